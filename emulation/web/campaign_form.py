"""The campaign form and its conversion to a ``CampaignInput``."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, IntegerField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.policy import Band, ScoringPolicy, parse_decimal
from ..models import Campaign, Cluster, CriteriaSet
from ..services.campaigns import CampaignInput, to_local
from .forms import REQUIRED, choices, length

DT = "%Y-%m-%dT%H:%M"


def _decimal_field(label):
    return StringField(label, validators=[REQUIRED, length(12)])


class CampaignForm(FlaskForm):
    title = StringField(_l("Tên phong trào"), validators=[REQUIRED, length(300)])
    slug = StringField(_l("Mã phong trào (dùng trong địa chỉ trang)"), validators=[REQUIRED, length(80)])
    description = TextAreaField(_l("Mô tả, căn cứ phát động"), validators=[length(5000)])
    collective_set_id = SelectField(_l("Bộ tiêu chí tập thể"), coerce=int)
    individual_set_id = SelectField(_l("Bộ tiêu chí cá nhân (không bắt buộc)"), coerce=int)
    clusters = SelectMultipleField(_l("Cụm thi đua tham gia (để trống: tất cả đơn vị)"), coerce=int,
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    submission_opens = DateTimeLocalField(_l("Mở nộp hồ sơ"), format=DT, validators=[REQUIRED])
    submission_closes = DateTimeLocalField(_l("Hạn nộp hồ sơ"), format=DT, validators=[REQUIRED])
    review_opens = DateTimeLocalField(_l("Bắt đầu chấm"), format=DT, validators=[REQUIRED])
    review_closes = DateTimeLocalField(_l("Hạn chấm"), format=DT, validators=[REQUIRED])
    council_opens = DateTimeLocalField(_l("Hội đồng bắt đầu xét"), format=DT, validators=[REQUIRED])
    council_closes = DateTimeLocalField(_l("Hội đồng kết thúc xét"), format=DT, validators=[REQUIRED])
    w_self = _decimal_field(_l("Trọng số tự đánh giá"))
    w_peer = _decimal_field(_l("Trọng số chấm chéo"))
    w_leader = _decimal_field(_l("Trọng số hội đồng (lãnh đạo)"))
    aggregation = SelectField(_l("Cách tổng hợp điểm của nhiều người chấm"), choices=choices([
        ("mean", _l("Trung bình cộng")), ("median", _l("Trung vị")),
        ("trimmed", _l("Bỏ điểm cao nhất và thấp nhất"))]))
    trim_min = IntegerField(_l("Số phiếu tối thiểu để bỏ cao nhất/thấp nhất"), validators=[REQUIRED])
    min_peer = IntegerField(_l("Số phiếu chấm chéo tối thiểu"), validators=[REQUIRED])
    min_leader = IntegerField(_l("Số phiếu hội đồng tối thiểu"), validators=[REQUIRED])
    normalize = SelectField(_l("Chuẩn hóa điểm theo người chấm"), choices=choices([
        ("none", _l("Không")), ("zscore", _l("Chuẩn hóa z-score"))]))
    disagreement_pct = _decimal_field(_l("Ngưỡng chênh lệch giữa người chấm (% điểm tối đa)"))
    inflation_pct = _decimal_field(_l("Ngưỡng tự chấm cao (% điểm tối đa)"))
    k_peer = IntegerField(_l("Số người chấm chéo mỗi hồ sơ"), validators=[REQUIRED])
    same_cluster = BooleanField(_l("Người chấm chéo cùng cụm thi đua"), default=True)
    leader_mode = SelectField(_l("Phân công thành viên hội đồng"), choices=choices([
        ("all", _l("Mọi thành viên chấm mọi hồ sơ")), ("spread", _l("Chia đều hồ sơ cho các thành viên"))]))
    k_leader = IntegerField(_l("Số thành viên hội đồng mỗi hồ sơ (khi chia đều)"), validators=[REQUIRED])
    review_days = IntegerField(_l("Số ngày người chấm phải hoàn thành phiếu kể từ khi được phân công"),
                               validators=[REQUIRED])
    publication_days = IntegerField(_l("Số ngày công khai kết quả để các đơn vị gửi ý kiến phản hồi"),
                                    validators=[REQUIRED], default=10)
    comment_pct = _decimal_field(_l("Bắt buộc nhận xét khi điểm chấm lệch điểm tự chấm quá (% điểm tối đa tiêu chí)"))
    bands = TextAreaField(_l("Các mức xếp loại (mỗi dòng: tên: điểm tối thiểu)"), validators=[REQUIRED],
                          render_kw={"rows": 6})
    lowest_band = StringField(_l("Mức thấp nhất"), validators=[REQUIRED, length(60)])
    cap_band = StringField(_l("Mức tối đa khi có vi phạm loại trừ"), validators=[REQUIRED, length(60)])
    authority = StringField(_l("Cơ quan ban hành"), validators=[REQUIRED, length(200)])
    issuer_title = StringField(_l("Chức danh người tặng (in trên bằng khen)"), validators=[REQUIRED, length(200)])
    signer_title = StringField(_l("Chức danh người ký"), validators=[REQUIRED, length(200)])
    signer_name = StringField(_l("Họ tên người ký"), validators=[REQUIRED, length(200)])
    place = StringField(_l("Địa danh"), validators=[REQUIRED, length(100)])

    def load_choices(self) -> None:
        sets = list(CriteriaSet.select().order_by(CriteriaSet.code, CriteriaSet.version.desc()))
        self.collective_set_id.choices = choices([(0, _l("— Chọn bộ tiêu chí —"))] + [
            (s.id, s.label) for s in sets if s.target == "collective"])
        self.individual_set_id.choices = choices([(0, _l("— Không có —"))] + [
            (s.id, s.label) for s in sets if s.target == "individual"])
        self.clusters.choices = choices((c.id, f"{c.code} – {c.name}") for c in Cluster.ordered())

    def bands_problem(self) -> list[Band] | None:
        bands = []
        for line in (self.bands.data or "").splitlines():
            if not line.strip():
                continue
            name, sep, score = line.rpartition(":")
            value = parse_decimal(score)
            if not sep or not name.strip() or value is None:
                self.bands.errors = list(self.bands.errors) + [
                    _l("Dòng «%(l)s» chưa đúng dạng «Tên: điểm», ví dụ «Xuất sắc: 90».", l=line.strip())]
                return None
            bands.append(Band(name.strip(), value))
        return bands

    def to_input(self, unit_ids: list[int]) -> CampaignInput | None:
        """The entered data, or None when a number cannot be read (errors set on fields)."""
        numbers: dict[str, Decimal] = {}
        for name in ("w_self", "w_peer", "w_leader", "disagreement_pct", "inflation_pct", "comment_pct"):
            value = parse_decimal(getattr(self, name).data)
            if value is None:
                getattr(self, name).errors = [_l("Nhập một số, ví dụ 0,3.")]
            else:
                numbers[name] = value
        bands = self.bands_problem()
        if len(numbers) < 6 or bands is None:
            return None
        policy = ScoringPolicy(
            aggregation=self.aggregation.data, trim_min=self.trim_min.data,
            min_peer=self.min_peer.data, min_leader=self.min_leader.data,
            normalize=self.normalize.data, bands=tuple(bands), k_peer=self.k_peer.data,
            same_cluster=bool(self.same_cluster.data), leader_mode=self.leader_mode.data, k_leader=self.k_leader.data,
            review_days=self.review_days.data,
            lowest_band=self.lowest_band.data.strip(), cap_band=self.cap_band.data.strip(), **numbers)
        windows = {name: getattr(self, name).data for name in (
            "submission_opens", "submission_closes", "review_opens", "review_closes",
            "council_opens", "council_closes")}
        return CampaignInput(
            slug=self.slug.data.strip(), title=self.title.data, description=self.description.data or "",
            collective_set_id=self.collective_set_id.data,
            individual_set_id=self.individual_set_id.data or None, windows=windows, policy=policy,
            authority=self.authority.data, issuer_title=self.issuer_title.data,
            signer_title=self.signer_title.data, signer_name=self.signer_name.data,
            place=self.place.data, unit_ids=unit_ids, publication_days=self.publication_days.data)

    def fill_defaults(self) -> None:
        p = ScoringPolicy()
        self._fill_policy(p)
        self.place.data = "Hà Nội"

    def fill_from(self, campaign: Campaign) -> None:
        for name in ("title", "slug", "description", "authority", "issuer_title", "signer_title",
                     "signer_name", "place", "publication_days"):
            getattr(self, name).data = getattr(campaign, name)
        self.collective_set_id.data = campaign.collective_set_id
        self.individual_set_id.data = campaign.individual_set_id or 0
        for name in ("submission_opens", "submission_closes", "review_opens", "review_closes",
                     "council_opens", "council_closes"):
            getattr(self, name).data = to_local(getattr(campaign, name), campaign.timezone)
        self._fill_policy(campaign.policy)

    def _fill_policy(self, p: ScoringPolicy) -> None:
        for name in ("w_self", "w_peer", "w_leader", "disagreement_pct", "inflation_pct", "comment_pct"):
            getattr(self, name).data = str(getattr(p, name)).replace(".", ",")
        for name in ("aggregation", "trim_min", "min_peer", "min_leader", "normalize",
                     "lowest_band", "cap_band", "k_peer", "same_cluster", "leader_mode", "k_leader", "review_days"):
            getattr(self, name).data = getattr(p, name)
        self.bands.data = "\n".join(f"{b.name}: {str(b.min_score).replace('.', ',')}" for b in p.bands)

