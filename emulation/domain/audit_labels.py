"""The audit log's codes in Vietnamese: actions (grouped as the page's filter lists them),
object types, field keys and the known values of a few fields. Each is marked with ``N_``
and translated by the page; a code not listed here is shown as it is (``audit_view``).
"""
from __future__ import annotations

from .messages import N_

ACTION_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (N_("Tài khoản"), (
        ("login", N_("Đăng nhập")), ("user.create", N_("Tạo tài khoản")),
        ("user.password", N_("Đổi mật khẩu")), ("user.password_reset", N_("Đặt lại mật khẩu")),
        ("user.activate", N_("Mở khóa tài khoản")), ("user.deactivate", N_("Khóa tài khoản")),
        ("role.grant", N_("Cấp vai trò")), ("role.revoke", N_("Thu hồi vai trò")))),
    (N_("Tổ chức"), (
        ("cluster.create", N_("Thêm cụm thi đua")), ("cluster.update", N_("Sửa cụm thi đua")),
        ("cluster.deactivate", N_("Ngừng cụm thi đua")), ("unit.create", N_("Thêm đơn vị")),
        ("unit.update", N_("Sửa đơn vị")), ("unit.deactivate", N_("Ngừng đơn vị")),
        ("person.create", N_("Thêm cán bộ")), ("person.update", N_("Sửa thông tin cán bộ")),
        ("person.deactivate", N_("Cán bộ ngừng công tác")),
        ("org.import", N_("Nhập cụm, đơn vị, cán bộ từ tệp")))),
    (N_("Phong trào và tiêu chí"), (
        ("criteria.created", N_("Nhập bộ tiêu chí mới")), ("criteria.replaced", N_("Thay thế bộ tiêu chí")),
        ("campaign.create", N_("Tạo phong trào")), ("campaign.update", N_("Sửa phong trào")),
        ("campaign.import", N_("Nhập phong trào từ bản lưu trữ")),
        ("award_rule.create", N_("Thêm hình thức khen thưởng")),
        ("award_rule.update", N_("Sửa hình thức khen thưởng")),
        ("award_rule.delete", N_("Xóa hình thức khen thưởng")))),
    (N_("Hồ sơ và đề nghị"), (
        ("submission.save", N_("Lưu hồ sơ tự đánh giá")), ("submission.submit", N_("Nộp hồ sơ")),
        ("submission.return", N_("Trả lại hồ sơ")), ("submission.lock", N_("Khóa hồ sơ khi hết hạn nộp")),
        ("evidence.upload", N_("Tải lên minh chứng")), ("evidence.remove", N_("Xóa minh chứng")),
        ("nomination.create", N_("Đề nghị cá nhân tiêu biểu")), ("nomination.update", N_("Sửa đề nghị")),
        ("nomination.withdraw", N_("Rút đề nghị")))),
    (N_("Phân công và chấm điểm"), (
        ("conflict.declare", N_("Khai báo xung đột lợi ích")), ("assignment.create", N_("Phân công chấm")),
        ("assignment.override", N_("Phân công chấm dù có xung đột lợi ích")),
        ("assignment.remove", N_("Bỏ phân công chấm")), ("assignment.auto", N_("Phân công chấm tự động")),
        ("assignment.import", N_("Nhập phân công chấm từ bảng tính")),
        ("review.save", N_("Lưu phiếu chấm (nháp)")), ("review.change", N_("Sửa phiếu chấm")),
        ("review.submit", N_("Nộp phiếu chấm")), ("review.import", N_("Nhập điểm từ bảng tính")),
        ("scores.import", N_("Nhập tệp điểm chấm")))),
    (N_("Kết quả, hội đồng, quyết định"), (
        ("results.publish", N_("Công khai kết quả")), ("objection.lodge", N_("Gửi ý kiến phản hồi")),
        ("objection.answer", N_("Trả lời ý kiến phản hồi")), ("council.add", N_("Hội đồng thêm khen thưởng")),
        ("council.remove", N_("Hội đồng bỏ khen thưởng")),
        ("council.resolve", N_("Hội đồng giải quyết đồng hạng")),
        ("decision.draft", N_("Soạn dự thảo quyết định")), ("decision.edit", N_("Sửa dự thảo quyết định")),
        ("decision.approve", N_("Phê duyệt quyết định")))),
    (N_("Bằng khen, giấy khen"), (
        ("certificates.issue", N_("Yêu cầu cấp bằng khen, giấy khen")),
        ("certificates.retry", N_("Chạy lại lô cấp bằng bị lỗi")),
        ("certificates.failed", N_("Lô cấp bằng bị lỗi")),
        ("certificates.issued", N_("Cấp xong bằng khen, giấy khen")),
        ("certificate.revoke", N_("Thu hồi bằng khen, giấy khen")))),
)
ACTION_LABELS: dict[str, str] = {code: label for _group, codes in ACTION_GROUPS for code, label in codes}

OBJECT_LABELS: dict[str, str] = {
    "User": N_("Tài khoản"), "Cluster": N_("Cụm thi đua"), "Unit": N_("Đơn vị"), "Person": N_("Cán bộ"),
    "clusters": N_("Danh sách cụm thi đua"), "units": N_("Danh sách đơn vị"), "people": N_("Danh sách cán bộ"),
    "CriteriaSet": N_("Bộ tiêu chí"), "Campaign": N_("Phong trào"), "AwardRule": N_("Hình thức khen thưởng"),
    "Submission": N_("Hồ sơ"), "Evidence": N_("Minh chứng"), "Nomination": N_("Đề nghị cá nhân"),
    "Conflict": N_("Xung đột lợi ích"), "Assignment": N_("Phân công chấm"), "Review": N_("Phiếu chấm"),
    "Objection": N_("Ý kiến phản hồi"), "CouncilChange": N_("Điều chỉnh của hội đồng"),
    "Decision": N_("Quyết định"), "Certificate": N_("Bằng khen, giấy khen"),
}

FIELD_LABELS: dict[str, str] = {
    "value": N_("Điểm"), "comment": N_("Nhận xét"), "evidence_verdict": N_("Minh chứng"),
    "explanation": N_("Giải trình"), "state": N_("Trạng thái"), "title": N_("Tên"), "name": N_("Tên"),
    "full_name": N_("Họ và tên"), "username": N_("Tên đăng nhập"), "active": N_("Đang hoạt động"),
    "role": N_("Vai trò"), "unit": N_("Đơn vị"), "campaign": N_("Phong trào"), "code": N_("Mã"),
    "staff_code": N_("Mã cán bộ"), "gender": N_("Giới tính"), "position": N_("Chức vụ"),
    "email": N_("Thư điện tử"), "phone": N_("Điện thoại"), "kind": N_("Loại"), "district": N_("Địa bàn"),
    "cluster": N_("Cụm thi đua"), "version": N_("Phiên bản"), "description": N_("Mô tả"),
    "authority": N_("Cơ quan ban hành"), "issuer_title": N_("Chức danh cơ quan"),
    "signer_title": N_("Chức vụ người ký"), "signer_name": N_("Người ký"), "place": N_("Địa danh"),
    "submission_opens": N_("Mở nhận hồ sơ"), "submission_closes": N_("Hạn nộp hồ sơ"),
    "review_opens": N_("Bắt đầu chấm"), "review_closes": N_("Kết thúc chấm"),
    "council_opens": N_("Hội đồng bắt đầu"), "council_closes": N_("Hội đồng kết thúc"),
    "timezone": N_("Múi giờ"), "publication_days": N_("Số ngày công khai"),
    "collective_set": N_("Bộ tiêu chí tập thể"), "individual_set": N_("Bộ tiêu chí cá nhân"),
    "policy_json": N_("Quy chế tính điểm"), "units": N_("Số đơn vị"), "precedence": N_("Thứ tự ưu tiên"),
    "form": N_("Hình thức"), "target": N_("Đối tượng"), "min_band": N_("Xếp loại tối thiểu"),
    "min_score": N_("Điểm tối thiểu"), "quota_kind": N_("Cách tính chỉ tiêu"), "quota_value": N_("Chỉ tiêu"),
    "per_cluster": N_("Theo từng cụm"), "submission": N_("Hồ sơ"), "reviewer": N_("Người chấm"),
    "conflicts": N_("Xung đột lợi ích"), "reason": N_("Lý do"), "reasons": N_("Lý do trả lại"),
    "note": N_("Ghi chú"), "criterion": N_("Tiêu chí"), "file": N_("Tệp"), "size": N_("Dung lượng (byte)"),
    "type": N_("Loại tệp"), "rows": N_("Số dòng"), "row": N_("Dòng"), "reviews": N_("Số phiếu chấm"),
    "changed": N_("Số điểm thay đổi"), "submitted": N_("Số phiếu nộp"), "created": N_("Số mục tạo mới"),
    "updated": N_("Số mục cập nhật"), "kept": N_("Số mục giữ nguyên"), "overrides": N_("Số phân công có xung đột"),
    "person": N_("Cá nhân"), "achievements": N_("Thành tích"), "answer": N_("Trả lời"),
    "evidence": N_("Minh chứng"), "published_at": N_("Công khai lúc"), "closes": N_("Hết hạn"),
    "locked": N_("Số hồ sơ đã khóa"), "number": N_("Số"), "signed_on": N_("Ngày ký"), "basis": N_("Căn cứ"),
    "supersedes": N_("Thay thế quyết định"), "awards": N_("Khen thưởng"), "awarded": N_("Được khen thưởng"),
    "not_awarded": N_("Không được khen thưởng"), "decision": N_("Quyết định"), "recipient": N_("Người nhận"),
    "revoked_at": N_("Thu hồi lúc"), "revoke_reason": N_("Lý do thu hồi"), "batch": N_("Lô"),
    "mode": N_("Chế độ in"), "error": N_("Lỗi"), "certificates": N_("Số bằng, giấy khen"),
    "shortfalls": N_("Thiếu người chấm"), "reciprocal": N_("Chấm chéo lẫn nhau"),
    "rule": N_("Hình thức khen thưởng"), "sha256": N_("Mã băm SHA-256"), "hash": N_("Mã băm"),
    "slug": N_("Mã phong trào"), "seed": N_("Hạt ngẫu nhiên"), "chunk": N_("Phần"),
    "submissions": N_("Số hồ sơ"), "files_restored": N_("Số tệp khôi phục"), "files_missing": N_("Số tệp thiếu"),
}

VALUE_LABELS: dict[str, dict[str, str]] = {
    "state": {"draft": N_("Bản nháp"), "submitted": N_("Đã nộp"), "returned": N_("Bị trả lại – cần sửa"),
              "locked": N_("Đã khóa")},
    "evidence_verdict": {"accepted": N_("Minh chứng đạt"), "insufficient": N_("Minh chứng chưa đủ"),
                         "missing": N_("Không có minh chứng")},
    "role": {"committee": N_("Ban Thi đua – Khen thưởng"), "secretary": N_("Thư ký hội đồng"),
             "officer": N_("Cán bộ thi đua đơn vị"), "peer": N_("Người chấm chéo"),
             "leader": N_("Thành viên hội đồng")},
    "target": {"collective": N_("Tập thể"), "individual": N_("Cá nhân")},
    "mode": {"full": N_("Bản đầy đủ (khung, quốc huy)"), "blank": N_("Bản in trên phôi (chỉ chữ)")},
}
YES, NO = N_("Có"), N_("Không")
