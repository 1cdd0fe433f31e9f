"""The data the end-to-end campaign test types in: two small criteria files, the award rules,
the reviewers' grants, the units' self-scores and their nominees.

The scores are chosen so that Thanh Xuân Bắc ranks first and Hạ Đình and Khương Đình tie
for second at the boundary of the Bằng khen quota of 2 (the council decides), and every
reviewer gives what the unit gave (so no comment is needed and F equals the self-score).
"""
from __future__ import annotations

TITLE = "Phong trào “Chính quyền thân thiện, cán bộ tận tụy” quận Thanh Xuân năm 2026"
SLUG = "chinh-quyen-than-thien-thanh-xuan-2026"
UNITS = ("Phường Thanh Xuân Bắc", "Phường Hạ Đình", "Phường Khương Đình")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

COLLECTIVE_TOML = """\
id = "e2e-tap-the"
version = 1
title = "Tập thể thân thiện – quận Thanh Xuân 2026"
target = "collective"
source = "Kế hoạch của UBND quận Thanh Xuân về xây dựng chính quyền thân thiện"

[[groups]]
code = "I"
title = "Tiếp dân và giải quyết thủ tục hành chính"

[[groups.criteria]]
code = "I.1"
title = "Có kế hoạch tiếp dân thân thiện, niêm yết công khai tại bộ phận một cửa"
max = 40
evidence_required = true
evidence_hint = "Kế hoạch tiếp dân có chữ ký, đóng dấu"

[[groups.criteria]]
code = "I.2"
title = "Giải quyết hồ sơ thủ tục hành chính đúng hạn"
max = 30

[[groups]]
code = "II"
title = "Văn hóa công sở"

[[groups.criteria]]
code = "II.1"
title = "Cán bộ đeo thẻ, trang phục đúng quy định, thái độ niềm nở"
max = 30
"""

INDIVIDUAL_TOML = """\
id = "e2e-ca-nhan"
version = 1
title = "Cán bộ thân thiện – quận Thanh Xuân 2026"
target = "individual"

[[groups]]
code = "I"
title = "Tận tụy với người dân"

[[groups.criteria]]
code = "I.1"
title = "Hướng dẫn người dân tận tình, không để người dân đi lại nhiều lần"
max = 50

[[groups.criteria]]
code = "I.2"
title = "Không có phản ánh, kiến nghị về thái độ phục vụ"
max = 50
"""

RULES = (
    {"title": "Bằng khen của Chủ tịch UBND quận", "form": "Bằng khen", "target": "Tập thể", "band": "Xuất sắc",
     "quota": "2"},
    {"title": "Bằng khen của Chủ tịch UBND quận (cá nhân)", "form": "Bằng khen", "target": "Cá nhân",
     "band": "Xuất sắc", "quota": "1"},
    {"title": "Giấy khen của Chủ tịch UBND quận", "form": "Giấy khen", "target": "Cá nhân", "band": "Tốt",
     "quota": "2"},
)

REVIEWERS = (("txbac", "Người chấm chéo"), ("hadinh", "Người chấm chéo"), ("chamcheo", "Người chấm chéo"),
             ("hoidong", "Thành viên hội đồng"))

SELF_SCORES = {
    UNITS[0]: {"I.1": "40", "I.2": "30", "II.1": "30"},
    UNITS[1]: {"I.1": "36", "I.2": "27", "II.1": "27"},
    UNITS[2]: {"I.1": "36", "I.2": "27", "II.1": "27"},
}

NOMINEES = {   # unit: (person, position as listed, achievements, self-scores)
    UNITS[0]: ("Lê Trà My", "Bí thư Đoàn thanh niên phường Thanh Xuân Bắc",
               "Tổ chức 12 buổi “Thứ bảy tình nguyện” hướng dẫn người dân làm thủ tục trực tuyến.",
               {"I.1": "50", "I.2": "50"}),
    UNITS[1]: ("Trần Minh Đức", "Phó Chủ tịch UBND phường Hạ Đình",
               "Trực tiếp tiếp dân định kỳ; không để tồn đọng đơn thư.", {"I.1": "45", "I.2": "40"}),
    UNITS[2]: ("Hoàng Thị Mai", "Công chức Văn phòng – Thống kê",
               "Số hóa hồ sơ lưu trữ của phường, rút ngắn thời gian tra cứu.", {"I.1": "40", "I.2": "40"}),
}

OBJECTION = ("Đề nghị Hội đồng xem xét lại: Phường Hạ Đình đồng điểm với Phường Khương Đình "
             "và đã triển khai mô hình một cửa thân thiện từ tháng 3/2026.")
