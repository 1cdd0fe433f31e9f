"""Error pages in the user's language, with what to do next.

A database that cannot be reached (server down or restarting, connections cut, the SQLite
file unreadable, a lock held past the busy timeout) is not a bug: the request answers 503
with ``Retry-After`` and a page that needs no database, the connection is discarded rather
than returned to the pool (and the idle ones with it: they share its fate), so the next
request connects afresh and service resumes without a restart. Nothing is half-written:
every write is one transaction, rolled back by the failure. Errors that mean a bug in a
query (integrity, programming, data) stay 500.
"""
from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from peewee import DatabaseError, DataError, IntegrityError, InterfaceError, NotSupportedError, ProgrammingError
from werkzeug.exceptions import HTTPException

from ..extensions import login_manager

MESSAGES = {
    400: (_l("Yêu cầu không hợp lệ"), _l("Dữ liệu gửi lên không đúng định dạng. Vui lòng kiểm tra và thử lại.")),
    401: (_l("Cần đăng nhập"), _l("Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại.")),
    403: (_l("Không có quyền truy cập"), _l("Tài khoản của bạn không có quyền thực hiện thao tác này.")),
    404: (_l("Không tìm thấy trang"), _l("Trang hoặc hồ sơ bạn tìm không tồn tại hoặc bạn không có quyền xem.")),
    405: (_l("Thao tác không được hỗ trợ"), _l("Trang này không nhận kiểu yêu cầu đó.")),
    409: (_l("Dữ liệu đã thay đổi"), _l("Dữ liệu đã được người khác cập nhật. Vui lòng tải lại trang.")),
    413: (_l("Tệp quá lớn"), _l("Tệp hoặc yêu cầu gửi lên vượt quá dung lượng cho phép.")),
    429: (_l("Quá nhiều yêu cầu"), _l("Vui lòng chờ một lát rồi thử lại.")),
    500: (_l("Lỗi hệ thống"), _l("Đã có lỗi xảy ra. Dữ liệu của bạn không bị thay đổi; vui lòng thử lại sau.")),
    503: (_l("Hệ thống tạm thời gián đoạn"), _l("Cơ sở dữ liệu tạm thời không sẵn sàng. Vui lòng thử lại sau ít phút.")),
}

BUGS = (IntegrityError, DataError, ProgrammingError, NotSupportedError)   # a query is wrong, not the database
RETRY_AFTER_SECONDS = 30


def discard_connections() -> None:
    """Close this request's connection without returning it to the pool, and the idle pooled ones."""
    from ..database import db
    database = db.obj
    if database is None:
        return
    try:
        if not database.is_closed():
            if hasattr(database, "manual_close"):
                database.manual_close()
            else:
                database.close()
        if hasattr(database, "close_idle"):
            database.close_idle()
    except Exception:  # closing a dead connection may fail too; it is gone either way
        pass


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors.html", code=code, title=title, message=message,
                           detail=detail), code


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(400, str(_l("Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ (CSRF). "
                                        "Hãy tải lại trang rồi gửi lại; nội dung đã nhập cần nhập lại.")))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(DatabaseError)
    @app.errorhandler(InterfaceError)
    def _database(error: Exception):
        if isinstance(error, BUGS):
            app.logger.exception("database error on %s", request.path)
            return render_error(500)
        app.logger.exception("database unavailable on %s", request.path)
        discard_connections()
        g._login_user = login_manager.anonymous_user()    # the page must not ask the database who is there
        body, code = render_error(503)
        return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return render_error(500)
