"""The demo's data: units, frameworks, bands, figures, texts, logins and the reorganisation of 2025.

Everything here is plain data; `build.py` turns it into rows. The Quảng Nam side of the new
Thành phố Đà Nẵng only: its 20 departments, 18 districts and 5 central agencies up to 2024; from
2025 the departments merged by Nghị định 45/2025/NĐ-CP, the communes and wards that replaced the
districts, and the central agencies under their new names.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from units.models import LineageKind, Role

DEMO_MARK = "(dữ liệu mẫu)"
OWNER_NAME = f"Tỉnh Quảng Nam {DEMO_MARK}"
CITY_NAME = f"Thành phố Đà Nẵng {DEMO_MARK}"  # the owner from 2025, after the provinces merged
REORGANISED = 2025  # the first year of the new structure
YEARS = (2021, 2022, 2023, 2024, 2025, 2026)
CURRENT_YEAR = 2026  # being appraised; the others are published
PASSWORD = "cchc-demo-2024"  # noqa: S105 - the documented password of the demo logins
EMAIL_DOMAIN = "demo.cchc.invalid"  # marks the demo users (.invalid: mail never leaves)

# --------------------------------------------------------------------------- units

GROUP_NAMES = {
    "SO": ("Sở, ban, ngành", 1),
    "HUYEN": ("UBND cấp huyện", 2),
    "XA": ("UBND cấp xã", 2),
    "NGANHDOC": ("Cơ quan ngành dọc", 3),
}
# The years in which a group exists (districts up to 2024, communes from 2025).
GROUP_YEARS = {"HUYEN": (None, 2024), "XA": (2025, None)}


def owner_name(year: int) -> str:
    return CITY_NAME if year >= REORGANISED else OWNER_NAME


def groups_of(year: int) -> tuple[str, ...]:
    """The unit groups assessed in a year."""
    return ("SO", "XA", "NGANHDOC") if year >= REORGANISED else ("SO", "HUYEN", "NGANHDOC")


# (group, code, name, abbreviation used in document numbers)
UNITS = [
    ("SO", "SO-VPUBND", "Văn phòng UBND tỉnh", "VPUBND"),
    ("SO", "SO-NV", "Sở Nội vụ", "SNV"),
    ("SO", "SO-TP", "Sở Tư pháp", "STP"),
    ("SO", "SO-KHDT", "Sở Kế hoạch và Đầu tư", "SKHĐT"),
    ("SO", "SO-TC", "Sở Tài chính", "STC"),
    ("SO", "SO-CT", "Sở Công Thương", "SCT"),
    ("SO", "SO-NNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "SNN"),
    ("SO", "SO-GTVT", "Sở Giao thông vận tải", "SGTVT"),
    ("SO", "SO-XD", "Sở Xây dựng", "SXD"),
    ("SO", "SO-TNMT", "Sở Tài nguyên và Môi trường", "STNMT"),
    ("SO", "SO-TTTT", "Sở Thông tin và Truyền thông", "STTTT"),
    ("SO", "SO-LDTBXH", "Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
    ("SO", "SO-VHTTDL", "Sở Văn hóa - Thể thao và Du lịch", "SVHTTDL"),
    ("SO", "SO-KHCN", "Sở Khoa học và Công nghệ", "SKHCN"),
    ("SO", "SO-GDDT", "Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("SO", "SO-YT", "Sở Y tế", "SYT"),
    ("SO", "SO-TTR", "Thanh tra tỉnh", "TTR"),
    ("SO", "SO-NGV", "Sở Ngoại vụ", "SNGV"),
    ("SO", "SO-BDT", "Ban Dân tộc", "BDT"),
    ("SO", "SO-BQLKKT", "Ban Quản lý các Khu kinh tế và Khu công nghiệp", "KKT"),
    ("HUYEN", "HUYEN-TK", "UBND thành phố Tam Kỳ", "UBND"),
    ("HUYEN", "HUYEN-HA", "UBND thành phố Hội An", "UBND"),
    ("HUYEN", "HUYEN-DB", "UBND thị xã Điện Bàn", "UBND"),
    ("HUYEN", "HUYEN-TB", "UBND huyện Thăng Bình", "UBND"),
    ("HUYEN", "HUYEN-QS", "UBND huyện Quế Sơn", "UBND"),
    ("HUYEN", "HUYEN-DX", "UBND huyện Duy Xuyên", "UBND"),
    ("HUYEN", "HUYEN-DL", "UBND huyện Đại Lộc", "UBND"),
    ("HUYEN", "HUYEN-NT", "UBND huyện Núi Thành", "UBND"),
    ("HUYEN", "HUYEN-PN", "UBND huyện Phú Ninh", "UBND"),
    ("HUYEN", "HUYEN-TP", "UBND huyện Tiên Phước", "UBND"),
    ("HUYEN", "HUYEN-HD", "UBND huyện Hiệp Đức", "UBND"),
    ("HUYEN", "HUYEN-NS", "UBND huyện Nông Sơn", "UBND"),
    ("HUYEN", "HUYEN-NG", "UBND huyện Nam Giang", "UBND"),
    ("HUYEN", "HUYEN-DG", "UBND huyện Đông Giang", "UBND"),
    ("HUYEN", "HUYEN-TG", "UBND huyện Tây Giang", "UBND"),
    ("HUYEN", "HUYEN-PS", "UBND huyện Phước Sơn", "UBND"),
    ("HUYEN", "HUYEN-BTM", "UBND huyện Bắc Trà My", "UBND"),
    ("HUYEN", "HUYEN-NTM", "UBND huyện Nam Trà My", "UBND"),
    ("NGANHDOC", "NGD-CA", "Công an tỉnh", "CAT"),
    ("NGANHDOC", "NGD-THUE", "Cục Thuế tỉnh", "CT"),
    ("NGANHDOC", "NGD-BHXH", "Bảo hiểm xã hội tỉnh", "BHXH"),
    ("NGANHDOC", "NGD-KBNN", "Kho bạc Nhà nước tỉnh", "KBNN"),
    ("NGANHDOC", "NGD-HQ", "Cục Hải quan tỉnh", "HQ"),
]

# --------------------------------------------------------------------------- frameworks
# One line per node: code | name [| max | method and flags | guidance]. Parents have no maximum
# (build_items sums their children). Method A = appraisal, S = survey; flag k = "không áp dụng"
# allowed, e = evidence required. Survey items without guidance get SURVEY_GUIDANCE.

SURVEY_GUIDANCE = (
    "Điểm do Sở Nội vụ cập nhật từ kết quả điều tra xã hội học: tỷ lệ ý kiến đánh giá tích cực "
    "nhân với điểm tối đa; đơn vị không tự đánh giá."
)

FRAMEWORK_SO = """
1 | Công tác chỉ đạo, điều hành cải cách hành chính
1.1 | Kế hoạch CCHC năm
1.1.1 | Ban hành kế hoạch CCHC năm kịp thời | 1 | A e | Ban hành trước ngày 31/12 năm trước: 1 điểm; trong tháng 01: 0,5 điểm; sau tháng 01 hoặc không ban hành: 0 điểm.
1.1.2 | Mức độ hoàn thành kế hoạch CCHC | 1.5 | A e | Hoàn thành 100% nhiệm vụ: 1,5 điểm; từ 80% đến dưới 100%: 1 điểm; từ 70% đến dưới 80%: 0,5 điểm; dưới 70%: 0 điểm.
1.1.3 | Bố trí kinh phí thực hiện kế hoạch CCHC | 0.5 | A | Kế hoạch xác định kinh phí và có dự toán được giao: 0,5 điểm; không có: 0 điểm.
1.2 | Báo cáo công tác CCHC
1.2.1 | Báo cáo đầy đủ về số lượng và nội dung theo quy định | 0.5 | A | Đủ các báo cáo quý, 6 tháng và năm, đúng đề cương: 0,5 điểm; thiếu một báo cáo: 0 điểm.
1.2.2 | Gửi báo cáo đúng thời hạn | 0.5 | A | Tất cả báo cáo gửi đúng hạn: 0,5 điểm; có báo cáo trễ hạn: 0 điểm.
1.3 | Kiểm tra công tác CCHC
1.3.1 | Tỷ lệ đơn vị trực thuộc được kiểm tra trong năm | 1 | A | Từ 30% số đơn vị trực thuộc trở lên: 1 điểm; dưới 30%: 0,5 điểm; không kiểm tra: 0 điểm.
1.3.2 | Xử lý các vấn đề phát hiện qua kiểm tra | 0.5 | A k | Xử lý hoặc kiến nghị xử lý 100% vấn đề phát hiện: 0,5 điểm. Chọn “không áp dụng” nếu kiểm tra không phát hiện vấn đề nào.
1.4 | Công tác tuyên truyền CCHC
1.4.1 | Ban hành kế hoạch tuyên truyền CCHC | 0.5 | A | Có kế hoạch riêng hoặc nội dung tuyên truyền trong kế hoạch CCHC: 0,5 điểm.
1.4.2 | Mức độ thực hiện kế hoạch tuyên truyền | 0.5 | A | Hoàn thành 100% kế hoạch: 0,5 điểm; dưới 100%: 0 điểm.
1.4.3 | Đa dạng hóa hình thức tuyên truyền | 0.5 | A | Từ 3 hình thức trở lên (trang thông tin điện tử, hội nghị, cuộc thi, mạng xã hội…): 0,5 điểm.
1.5 | Sáng kiến, giải pháp mới trong CCHC
1.5.1 | Có sáng kiến hoặc giải pháp mới trong CCHC được công nhận | 1.5 | A e | Có sáng kiến được cấp có thẩm quyền công nhận và áp dụng: 1,5 điểm; có sáng kiến đăng ký nhưng chưa được công nhận: 0,5 điểm.
1.6 | Thực hiện nhiệm vụ UBND tỉnh giao về CCHC
1.6.1 | Tỷ lệ nhiệm vụ được giao hoàn thành đúng hạn | 1 | A | Điểm = tỷ lệ nhiệm vụ hoàn thành đúng hạn × 1 (làm tròn 2 chữ số thập phân).
1.6.2 | Không có nhiệm vụ quá hạn chưa hoàn thành | 0.5 | A | Không có nhiệm vụ quá hạn: 0,5 điểm; có: 0 điểm.
2 | Cải cách thể chế
2.1 | Tham mưu xây dựng văn bản quy phạm pháp luật
2.1.1 | Thực hiện Chương trình xây dựng văn bản QPPL của tỉnh | 1.5 | A k e | Tham mưu đúng tiến độ 100% văn bản được giao: 1,5 điểm; chậm từ 1 văn bản: 0,75 điểm; chậm trên 30%: 0 điểm. Chọn “không áp dụng” nếu năm đánh giá không được giao văn bản nào.
2.1.2 | Chất lượng dự thảo văn bản QPPL | 1.5 | A | Không có dự thảo bị Sở Tư pháp trả lại hoặc đề nghị chỉnh sửa cơ bản: 1,5 điểm; có: 0,5 điểm.
2.1.3 | Lấy ý kiến đối tượng chịu tác động của văn bản | 0.5 | A | Lấy ý kiến và đăng tải dự thảo trên Cổng thông tin điện tử đủ thời gian theo quy định: 0,5 điểm.
2.2 | Rà soát, hệ thống hóa văn bản QPPL
2.2.1 | Ban hành kế hoạch rà soát, hệ thống hóa văn bản | 0.5 | A | Có kế hoạch: 0,5 điểm.
2.2.2 | Thực hiện rà soát, hệ thống hóa theo quy định | 1 | A e | Thực hiện đầy đủ, đúng thời hạn: 1 điểm; chậm hoặc chưa đầy đủ: 0,5 điểm.
2.2.3 | Xử lý hoặc kiến nghị xử lý kết quả rà soát | 0.5 | A k | Xử lý hoặc kiến nghị xử lý 100% văn bản phát hiện qua rà soát: 0,5 điểm. Chọn “không áp dụng” nếu rà soát không phát hiện văn bản cần xử lý.
2.3 | Theo dõi thi hành pháp luật
2.3.1 | Ban hành kế hoạch theo dõi thi hành pháp luật | 0.5 | A | Có kế hoạch trong quý I: 0,5 điểm; sau quý I: 0,25 điểm.
2.3.2 | Thực hiện kế hoạch theo dõi thi hành pháp luật | 1 | A | Hoàn thành 100% kế hoạch: 1 điểm; từ 70%: 0,5 điểm; dưới 70%: 0 điểm.
2.3.3 | Xử lý kết quả theo dõi thi hành pháp luật | 0.5 | A k | Xử lý hoặc kiến nghị xử lý đầy đủ: 0,5 điểm. Chọn “không áp dụng” nếu không phát sinh.
2.4 | Phổ biến, giáo dục pháp luật
2.4.1 | Thực hiện kế hoạch phổ biến, giáo dục pháp luật | 0.5 | A | Hoàn thành kế hoạch: 0,5 điểm.
3 | Cải cách thủ tục hành chính
3.1 | Rà soát, đánh giá, đơn giản hóa TTHC
3.1.1 | Ban hành kế hoạch rà soát, đánh giá TTHC | 0.5 | A | Ban hành trong quý I: 0,5 điểm.
3.1.2 | Thực hiện kế hoạch rà soát TTHC | 0.5 | A | Hoàn thành 100% kế hoạch: 0,5 điểm; dưới 100%: 0 điểm.
3.1.3 | Đề xuất phương án đơn giản hóa TTHC được chấp thuận | 1 | A e | Có phương án đơn giản hóa được UBND tỉnh thông qua: 1 điểm; có đề xuất nhưng chưa được thông qua: 0,5 điểm.
3.2 | Công bố, công khai TTHC
3.2.1 | Tham mưu công bố danh mục TTHC đúng thời hạn | 1 | A e | 100% quyết định công bố đúng hạn: 1 điểm; có quyết định chậm: 0,5 điểm; chậm trên 20%: 0 điểm.
3.2.2 | Công khai TTHC tại Trung tâm Phục vụ hành chính công | 0.5 | A | Công khai đầy đủ, đúng quy định: 0,5 điểm.
3.2.3 | Công khai TTHC trên Cổng dịch vụ công của tỉnh | 1 | A | 100% TTHC được công khai đầy đủ, chính xác: 1 điểm; có sai sót: 0,5 điểm.
3.2.4 | Xây dựng, công khai quy trình nội bộ giải quyết TTHC | 0.5 | A | Đủ quy trình nội bộ cho các TTHC đã công bố: 0,5 điểm.
3.3 | Thực hiện cơ chế một cửa, một cửa liên thông
3.3.1 | Đưa TTHC vào tiếp nhận tại Trung tâm Phục vụ hành chính công | 1 | A | 100% TTHC đủ điều kiện được đưa vào: 1 điểm; dưới 100%: 0,5 điểm.
3.3.2 | Tỷ lệ hồ sơ TTHC giải quyết đúng hạn | 2.5 | A e | Từ 98% trở lên: 2,5 điểm; từ 95% đến dưới 98%: 2 điểm; từ 90% đến dưới 95%: 1 điểm; dưới 90%: 0 điểm.
3.3.3 | Xin lỗi tổ chức, cá nhân khi giải quyết hồ sơ trễ hạn | 0.5 | A k | Có văn bản xin lỗi 100% hồ sơ trễ hạn: 0,5 điểm. Chọn “không áp dụng” nếu không có hồ sơ trễ hạn.
3.3.4 | Số hóa hồ sơ, kết quả giải quyết TTHC | 0.5 | A | Từ 80% hồ sơ được số hóa trở lên: 0,5 điểm; dưới 80%: 0 điểm.
3.4 | Tiếp nhận, xử lý phản ánh, kiến nghị về TTHC
3.4.1 | Công khai địa chỉ tiếp nhận phản ánh, kiến nghị | 0.5 | A | Công khai tại nơi giải quyết TTHC và trên Cổng thông tin điện tử: 0,5 điểm.
3.4.2 | Xử lý phản ánh, kiến nghị đúng thời hạn | 1 | A k | 100% phản ánh, kiến nghị được xử lý đúng hạn: 1 điểm; có trễ hạn: 0,5 điểm. Chọn “không áp dụng” nếu không phát sinh.
3.5 | Cung cấp dịch vụ công trực tuyến
3.5.1 | Tỷ lệ hồ sơ được tiếp nhận, giải quyết trực tuyến toàn trình | 1.5 | A e | Đạt chỉ tiêu UBND tỉnh giao: 1,5 điểm; đạt từ 70% chỉ tiêu: 0,75 điểm; dưới 70%: 0 điểm.
3.5.2 | Tỷ lệ hồ sơ thanh toán trực tuyến | 1 | A k | Đạt chỉ tiêu UBND tỉnh giao: 1 điểm; đạt từ 70% chỉ tiêu: 0,5 điểm; dưới 70%: 0 điểm. Chọn “không áp dụng” nếu các TTHC của đơn vị không thu phí, lệ phí.
3.5.3 | Tích hợp, cung cấp dịch vụ công trên Cổng dịch vụ công quốc gia | 0.5 | A | 100% dịch vụ công đủ điều kiện được tích hợp: 0,5 điểm.
4 | Cải cách tổ chức bộ máy hành chính nhà nước
4.1 | Thực hiện quy định về tổ chức bộ máy
4.1.1 | Thực hiện quy định về chức năng, nhiệm vụ, cơ cấu tổ chức | 1 | A | Đúng quy định: 1 điểm; có nội dung chưa đúng: 0 điểm.
4.1.2 | Sắp xếp, kiện toàn các phòng chuyên môn | 1 | A e | Hoàn thành sắp xếp theo đề án được duyệt: 1 điểm; chưa hoàn thành: 0,5 điểm.
4.1.3 | Số lượng cấp phó bảo đảm quy định | 0.5 | A | Đúng quy định: 0,5 điểm; vượt: 0 điểm.
4.2 | Quản lý, sử dụng biên chế
4.2.1 | Sử dụng biên chế công chức được giao | 1 | A | Không vượt biên chế được giao: 1 điểm.
4.2.2 | Thực hiện tinh giản biên chế theo lộ trình | 1 | A | Đạt lộ trình tinh giản: 1 điểm; chưa đạt: 0,5 điểm.
4.2.3 | Thống kê, báo cáo số lượng người làm việc | 0.5 | A | Đầy đủ, đúng hạn: 0,5 điểm.
4.3 | Đơn vị sự nghiệp công lập trực thuộc
4.3.1 | Sắp xếp, tổ chức lại đơn vị sự nghiệp công lập | 1 | A k | Hoàn thành theo kế hoạch: 1 điểm. Chọn “không áp dụng” nếu không có đơn vị sự nghiệp trực thuộc.
4.3.2 | Giao quyền tự chủ cho đơn vị sự nghiệp công lập | 0.5 | A k | 100% đơn vị được giao tự chủ theo quy định: 0,5 điểm. Chọn “không áp dụng” nếu không có đơn vị sự nghiệp trực thuộc.
4.4 | Phân cấp, ủy quyền quản lý nhà nước
4.4.1 | Thực hiện các nhiệm vụ được phân cấp, ủy quyền | 1 | A | Thực hiện đầy đủ, đúng quy định: 1 điểm.
4.4.2 | Kiểm tra, đánh giá việc thực hiện phân cấp | 0.5 | A | Có kiểm tra, báo cáo kết quả: 0,5 điểm.
5 | Cải cách chế độ công vụ
5.1 | Vị trí việc làm
5.1.1 | Xây dựng, điều chỉnh đề án vị trí việc làm | 1 | A e | Đề án được phê duyệt, cập nhật đúng quy định: 1 điểm.
5.1.2 | Bố trí công chức theo vị trí việc làm được phê duyệt | 1 | A | 100% công chức được bố trí đúng vị trí việc làm: 1 điểm; từ 90%: 0,5 điểm.
5.2 | Tuyển dụng, sử dụng công chức, viên chức
5.2.1 | Thực hiện quy định về tuyển dụng công chức, viên chức | 1 | A | Đúng quy định, không có sai phạm: 1 điểm.
5.2.2 | Thực hiện chuyển đổi vị trí công tác | 0.5 | A | Có kế hoạch và thực hiện đúng: 0,5 điểm.
5.2.3 | Bổ nhiệm lãnh đạo đúng quy trình, tiêu chuẩn | 0.5 | A | Đúng quy định: 0,5 điểm.
5.3 | Đánh giá, xếp loại công chức, viên chức
5.3.1 | Đánh giá, xếp loại chất lượng hằng năm đúng quy định | 1 | A | Đúng trình tự, tỷ lệ hoàn thành xuất sắc nhiệm vụ theo quy định: 1 điểm.
5.3.2 | Đánh giá công chức theo kết quả thực hiện nhiệm vụ hằng tháng | 0.5 | A | Thực hiện đầy đủ hằng tháng: 0,5 điểm.
5.4 | Đào tạo, bồi dưỡng công chức, viên chức
5.4.1 | Ban hành kế hoạch đào tạo, bồi dưỡng | 0.5 | A | Có kế hoạch: 0,5 điểm.
5.4.2 | Tỷ lệ hoàn thành kế hoạch đào tạo, bồi dưỡng | 1.5 | A | Từ 90% trở lên: 1,5 điểm; từ 70% đến dưới 90%: 1 điểm; dưới 70%: 0 điểm.
5.5 | Kỷ luật, kỷ cương hành chính
5.5.1 | Chấp hành kỷ luật, kỷ cương hành chính | 1 | A | Không có vi phạm bị cơ quan có thẩm quyền phát hiện: 1 điểm.
5.5.2 | Không có công chức, viên chức bị kỷ luật | 1 | A | Không có: 1 điểm; có người bị kỷ luật từ khiển trách trở lên: 0 điểm.
5.5.3 | Thực hiện quy định về văn hóa công vụ | 0.5 | A | Có quy định và kiểm tra việc thực hiện: 0,5 điểm.
6 | Cải cách tài chính công
6.1 | Quản lý, sử dụng ngân sách nhà nước
6.1.1 | Tỷ lệ giải ngân vốn đầu tư công được giao | 1.5 | A k e | Từ 95% trở lên: 1,5 điểm; từ 80% đến dưới 95%: 1 điểm; dưới 80%: 0 điểm. Chọn “không áp dụng” nếu không được giao vốn đầu tư công.
6.1.2 | Công khai dự toán, quyết toán ngân sách | 1 | A | Đúng nội dung, thời hạn: 1 điểm.
6.1.3 | Thực hiện kiến nghị của thanh tra, kiểm toán về tài chính | 1 | A k | Thực hiện 100% kiến nghị: 1 điểm. Chọn “không áp dụng” nếu không có kiến nghị.
6.2 | Thực hiện cơ chế tự chủ tài chính
6.2.1 | Ban hành, cập nhật quy chế chi tiêu nội bộ | 1.5 | A e | Ban hành trong quý I, đúng quy định: 1,5 điểm; sau quý I: 0,75 điểm.
6.2.2 | Thực hiện tiết kiệm chi thường xuyên | 1 | A | Có kết quả tiết kiệm và báo cáo đầy đủ: 1 điểm.
6.3 | Quản lý, sử dụng tài sản công
6.3.1 | Ban hành quy chế quản lý, sử dụng tài sản công | 1 | A | Có quy chế: 1 điểm.
6.3.2 | Sử dụng tài sản đúng mục đích, tiêu chuẩn, định mức | 1 | A | Không có sai phạm: 1 điểm.
7 | Xây dựng chính quyền điện tử, chính quyền số
7.1 | Ứng dụng công nghệ thông tin trong hoạt động nội bộ
7.1.1 | Sử dụng hệ thống quản lý văn bản và điều hành | 1 | A | 100% văn bản đi, đến được xử lý trên hệ thống: 1 điểm; từ 90%: 0,5 điểm.
7.1.2 | Tỷ lệ văn bản điện tử có ký số gửi, nhận trên môi trường mạng | 1.5 | A e | Từ 95% trở lên: 1,5 điểm; từ 80% đến dưới 95%: 1 điểm; dưới 80%: 0 điểm.
7.1.3 | Sử dụng hệ thống thư điện tử công vụ | 0.5 | A | 100% công chức sử dụng: 0,5 điểm.
7.1.4 | Tổ chức họp trực tuyến | 1 | A | Có hệ thống và sử dụng thường xuyên: 1 điểm.
7.2 | Cổng/Trang thông tin điện tử
7.2.1 | Cung cấp thông tin đầy đủ theo quy định | 1 | A | Đủ các mục thông tin theo quy định: 1 điểm; thiếu: 0,5 điểm.
7.2.2 | Cập nhật thông tin thường xuyên, kịp thời | 1 | A | Cập nhật hằng tuần: 1 điểm; không thường xuyên: 0,5 điểm.
7.3 | Hệ thống thông tin giải quyết TTHC
7.3.1 | Cập nhật, xử lý hồ sơ trên Hệ thống thông tin giải quyết TTHC | 1 | A | 100% hồ sơ được cập nhật, xử lý trên hệ thống: 1 điểm.
7.3.2 | Kết nối, chia sẻ dữ liệu với cơ sở dữ liệu quốc gia | 1 | A | Có kết nối, khai thác dữ liệu: 1 điểm.
7.4 | Chuyển đổi số
7.4.1 | Ban hành kế hoạch chuyển đổi số năm | 0.5 | A | Có kế hoạch: 0,5 điểm.
7.4.2 | Mức độ hoàn thành kế hoạch chuyển đổi số | 1.5 | A | Hoàn thành 100%: 1,5 điểm; từ 80%: 1 điểm; dưới 80%: 0 điểm.
7.4.3 | Bảo đảm an toàn thông tin mạng | 0.5 | A | Hệ thống thông tin được phê duyệt cấp độ, không để xảy ra sự cố: 0,5 điểm.
7.5 | Hệ thống quản lý chất lượng theo TCVN ISO 9001
7.5.1 | Duy trì, cải tiến hệ thống quản lý chất lượng | 1.5 | A e | Áp dụng, duy trì, cải tiến đúng quy định: 1,5 điểm; chưa cập nhật: 0,75 điểm.
8 | Tác động của cải cách hành chính (điều tra xã hội học)
8.1 | Đánh giá của lãnh đạo, công chức về công tác CCHC
8.1.1 | Về công tác chỉ đạo, điều hành CCHC | 2 | S
8.1.2 | Về cải cách thể chế | 1.5 | S
8.1.3 | Về cải cách thủ tục hành chính | 2 | S
8.1.4 | Về cải cách tổ chức bộ máy và chế độ công vụ | 2 | S
8.1.5 | Về cải cách tài chính công | 1 | S
8.1.6 | Về xây dựng chính quyền điện tử, chính quyền số | 1.5 | S
8.2 | Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ
8.2.1 | Tiếp cận dịch vụ | 2.5 | S
8.2.2 | Thủ tục hành chính | 3 | S
8.2.3 | Sự phục vụ của công chức | 3 | S
8.2.4 | Kết quả giải quyết thủ tục hành chính | 3 | S
8.2.5 | Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị | 2.5 | S
8.3 | Đánh giá của cơ quan, địa phương về sự phối hợp
8.3.1 | Đánh giá của UBND cấp huyện | 3 | S
8.3.2 | Đánh giá của các sở, ban, ngành | 3 | S
"""

FRAMEWORK_HUYEN = """
1 | Công tác chỉ đạo, điều hành cải cách hành chính
1.1 | Kế hoạch CCHC năm
1.1.1 | Ban hành kế hoạch CCHC năm kịp thời | 1 | A e | Ban hành trước ngày 31/12 năm trước: 1 điểm; trong tháng 01: 0,5 điểm; sau tháng 01 hoặc không ban hành: 0 điểm.
1.1.2 | Mức độ hoàn thành kế hoạch CCHC | 1.5 | A e | Hoàn thành 100% nhiệm vụ: 1,5 điểm; từ 80% đến dưới 100%: 1 điểm; từ 70% đến dưới 80%: 0,5 điểm; dưới 70%: 0 điểm.
1.1.3 | Bố trí kinh phí thực hiện kế hoạch CCHC | 0.5 | A | Kế hoạch xác định kinh phí và có dự toán được giao: 0,5 điểm.
1.2 | Báo cáo công tác CCHC
1.2.1 | Báo cáo đầy đủ về số lượng và nội dung theo quy định | 0.5 | A | Đủ các báo cáo quý, 6 tháng và năm, đúng đề cương: 0,5 điểm.
1.2.2 | Gửi báo cáo đúng thời hạn | 0.5 | A | Tất cả báo cáo gửi đúng hạn: 0,5 điểm; có báo cáo trễ hạn: 0 điểm.
1.3 | Kiểm tra công tác CCHC
1.3.1 | Tỷ lệ cơ quan chuyên môn và UBND cấp xã được kiểm tra | 1 | A | Từ 30% trở lên: 1 điểm; dưới 30%: 0,5 điểm; không kiểm tra: 0 điểm.
1.3.2 | Xử lý các vấn đề phát hiện qua kiểm tra | 0.5 | A k | Xử lý hoặc kiến nghị xử lý 100% vấn đề phát hiện: 0,5 điểm. Chọn “không áp dụng” nếu kiểm tra không phát hiện vấn đề nào.
1.4 | Công tác tuyên truyền CCHC
1.4.1 | Ban hành kế hoạch tuyên truyền CCHC | 0.5 | A | Có kế hoạch: 0,5 điểm.
1.4.2 | Mức độ thực hiện kế hoạch tuyên truyền | 0.5 | A | Hoàn thành 100% kế hoạch: 0,5 điểm.
1.4.3 | Tuyên truyền đến thôn, tổ dân phố | 0.5 | A | Có hình thức tuyên truyền trên hệ thống truyền thanh cơ sở: 0,5 điểm.
1.5 | Sáng kiến, giải pháp mới trong CCHC
1.5.1 | Có sáng kiến hoặc giải pháp mới trong CCHC được công nhận | 1 | A e | Có sáng kiến được công nhận và áp dụng: 1 điểm; có đăng ký nhưng chưa được công nhận: 0,5 điểm.
1.6 | Thực hiện nhiệm vụ UBND tỉnh giao về CCHC
1.6.1 | Tỷ lệ nhiệm vụ được giao hoàn thành đúng hạn | 1 | A | Điểm = tỷ lệ nhiệm vụ hoàn thành đúng hạn × 1 (làm tròn 2 chữ số thập phân).
1.7 | Chỉ đạo công tác CCHC đối với UBND cấp xã
1.7.1 | Ban hành văn bản chỉ đạo, hướng dẫn UBND cấp xã | 0.5 | A | Có văn bản chỉ đạo, hướng dẫn trong năm: 0,5 điểm.
1.7.2 | Đánh giá, xếp loại CCHC đối với UBND cấp xã | 0.5 | A e | Có bộ tiêu chí và công bố kết quả xếp loại cấp xã: 0,5 điểm.
2 | Cải cách thể chế
2.1 | Ban hành văn bản QPPL thuộc thẩm quyền
2.1.1 | Ban hành văn bản QPPL theo kế hoạch, đúng thẩm quyền | 1 | A k | Đúng kế hoạch, thẩm quyền: 1 điểm. Chọn “không áp dụng” nếu năm đánh giá không ban hành văn bản QPPL.
2.1.2 | Thực hiện đúng quy trình xây dựng, ban hành văn bản | 1 | A k | Đúng quy trình: 1 điểm. Chọn “không áp dụng” nếu năm đánh giá không ban hành văn bản QPPL.
2.1.3 | Lấy ý kiến đối tượng chịu tác động của văn bản | 0.5 | A k | Có lấy ý kiến theo quy định: 0,5 điểm. Chọn “không áp dụng” nếu năm đánh giá không ban hành văn bản QPPL.
2.2 | Rà soát, hệ thống hóa văn bản QPPL
2.2.1 | Ban hành kế hoạch rà soát, hệ thống hóa văn bản | 0.5 | A | Có kế hoạch: 0,5 điểm.
2.2.2 | Thực hiện rà soát, hệ thống hóa theo quy định | 1 | A e | Thực hiện đầy đủ, đúng thời hạn: 1 điểm; chậm hoặc chưa đầy đủ: 0,5 điểm.
2.2.3 | Xử lý hoặc kiến nghị xử lý kết quả rà soát | 0.5 | A k | Xử lý 100% văn bản phát hiện qua rà soát: 0,5 điểm. Chọn “không áp dụng” nếu không phát hiện văn bản cần xử lý.
2.3 | Theo dõi thi hành pháp luật
2.3.1 | Ban hành kế hoạch theo dõi thi hành pháp luật | 0.5 | A | Có kế hoạch trong quý I: 0,5 điểm; sau quý I: 0,25 điểm.
2.3.2 | Thực hiện kế hoạch theo dõi thi hành pháp luật | 1 | A | Hoàn thành 100% kế hoạch: 1 điểm; từ 70%: 0,5 điểm.
2.4 | Kiểm tra văn bản của HĐND, UBND cấp xã
2.4.1 | Kiểm tra văn bản do HĐND, UBND cấp xã ban hành | 0.5 | A | Kiểm tra 100% văn bản thuộc phạm vi: 0,5 điểm.
2.4.2 | Xử lý văn bản trái pháp luật phát hiện qua kiểm tra | 0.5 | A k | Xử lý đầy đủ, đúng thời hạn: 0,5 điểm. Chọn “không áp dụng” nếu không phát hiện văn bản trái pháp luật.
3 | Cải cách thủ tục hành chính
3.1 | Rà soát, đánh giá, đơn giản hóa TTHC
3.1.1 | Ban hành kế hoạch rà soát, đánh giá TTHC | 0.5 | A | Ban hành trong quý I: 0,5 điểm.
3.1.2 | Đề xuất phương án đơn giản hóa TTHC | 1 | A e | Có phương án được chấp thuận: 1 điểm; có đề xuất nhưng chưa được chấp thuận: 0,5 điểm.
3.2 | Công khai TTHC
3.2.1 | Công khai TTHC tại Bộ phận Một cửa cấp huyện | 1 | A | Đầy đủ, đúng quy định: 1 điểm; thiếu: 0,5 điểm.
3.2.2 | Công khai TTHC tại Bộ phận Một cửa cấp xã | 1 | A | 100% đơn vị cấp xã công khai đầy đủ: 1 điểm; từ 90%: 0,5 điểm.
3.2.3 | Công khai quy trình nội bộ giải quyết TTHC | 0.5 | A | Đủ quy trình nội bộ: 0,5 điểm.
3.3 | Thực hiện cơ chế một cửa, một cửa liên thông
3.3.1 | Tổ chức, hoạt động của Bộ phận Một cửa cấp huyện | 1 | A | Đúng quy định về tổ chức, nhân sự, trang thiết bị: 1 điểm.
3.3.2 | Tỷ lệ hồ sơ cấp huyện giải quyết đúng hạn | 1.5 | A e | Từ 98% trở lên: 1,5 điểm; từ 95% đến dưới 98%: 1 điểm; dưới 95%: 0 điểm.
3.3.3 | Tỷ lệ hồ sơ cấp xã giải quyết đúng hạn | 1.5 | A e | Từ 98% trở lên: 1,5 điểm; từ 95% đến dưới 98%: 1 điểm; dưới 95%: 0 điểm.
3.3.4 | Số hóa hồ sơ, kết quả giải quyết TTHC | 0.5 | A | Từ 80% hồ sơ được số hóa trở lên: 0,5 điểm.
3.3.5 | Xin lỗi tổ chức, cá nhân khi giải quyết hồ sơ trễ hạn | 0.5 | A k | Có văn bản xin lỗi 100% hồ sơ trễ hạn: 0,5 điểm. Chọn “không áp dụng” nếu không có hồ sơ trễ hạn.
3.4 | Tiếp nhận, xử lý phản ánh, kiến nghị về TTHC
3.4.1 | Công khai địa chỉ tiếp nhận phản ánh, kiến nghị | 0.5 | A | Công khai tại cấp huyện và cấp xã: 0,5 điểm.
3.4.2 | Xử lý phản ánh, kiến nghị đúng thời hạn | 1 | A k | 100% được xử lý đúng hạn: 1 điểm; có trễ hạn: 0,5 điểm. Chọn “không áp dụng” nếu không phát sinh.
3.5 | Cung cấp dịch vụ công trực tuyến
3.5.1 | Tỷ lệ hồ sơ cấp huyện tiếp nhận, giải quyết trực tuyến toàn trình | 1.5 | A e | Đạt chỉ tiêu UBND tỉnh giao: 1,5 điểm; đạt từ 70% chỉ tiêu: 0,75 điểm; dưới 70%: 0 điểm.
3.5.2 | Tỷ lệ hồ sơ thanh toán trực tuyến | 1 | A | Đạt chỉ tiêu UBND tỉnh giao: 1 điểm; đạt từ 70% chỉ tiêu: 0,5 điểm.
3.5.3 | Tỷ lệ hồ sơ cấp xã tiếp nhận trực tuyến | 0.5 | A | Đạt chỉ tiêu UBND tỉnh giao: 0,5 điểm.
3.6 | Giải quyết TTHC lĩnh vực đất đai
3.6.1 | Tỷ lệ hồ sơ đất đai giải quyết đúng hạn | 1 | A e | Từ 95% trở lên: 1 điểm; từ 85% đến dưới 95%: 0,5 điểm; dưới 85%: 0 điểm.
3.6.2 | Không có hồ sơ đất đai tồn đọng quá hạn | 0.5 | A | Không có hồ sơ tồn đọng: 0,5 điểm.
4 | Cải cách tổ chức bộ máy hành chính nhà nước
4.1 | Thực hiện quy định về tổ chức bộ máy
4.1.1 | Quy định chức năng, nhiệm vụ của các cơ quan chuyên môn | 1 | A | Đúng quy định: 1 điểm.
4.1.2 | Số lượng cấp phó bảo đảm quy định | 0.5 | A | Đúng quy định: 0,5 điểm; vượt: 0 điểm.
4.1.3 | Sắp xếp đơn vị hành chính cấp xã, thôn, tổ dân phố | 0.5 | A k | Hoàn thành theo kế hoạch của tỉnh: 0,5 điểm. Chọn “không áp dụng” nếu không thuộc diện sắp xếp.
4.2 | Quản lý, sử dụng biên chế
4.2.1 | Sử dụng biên chế công chức được giao | 1 | A | Không vượt biên chế được giao: 1 điểm.
4.2.2 | Thực hiện tinh giản biên chế theo lộ trình | 1 | A | Đạt lộ trình tinh giản: 1 điểm; chưa đạt: 0,5 điểm.
4.3 | Đơn vị sự nghiệp công lập
4.3.1 | Sắp xếp trường học, cơ sở giáo dục công lập | 1 | A e | Hoàn thành theo kế hoạch: 1 điểm; chưa hoàn thành: 0,5 điểm.
4.3.2 | Giao quyền tự chủ cho đơn vị sự nghiệp công lập | 0.5 | A | 100% đơn vị được giao tự chủ: 0,5 điểm.
4.4 | Phân cấp, ủy quyền quản lý nhà nước
4.4.1 | Thực hiện các nhiệm vụ được phân cấp, ủy quyền | 1 | A | Thực hiện đầy đủ, đúng quy định: 1 điểm.
4.4.2 | Phân cấp, ủy quyền cho UBND cấp xã | 0.5 | A | Có văn bản phân cấp, ủy quyền và kiểm tra việc thực hiện: 0,5 điểm.
5 | Cải cách chế độ công vụ
5.1 | Vị trí việc làm
5.1.1 | Xây dựng, điều chỉnh đề án vị trí việc làm | 1 | A e | Đề án được phê duyệt, cập nhật đúng quy định: 1 điểm.
5.1.2 | Bố trí công chức theo vị trí việc làm được phê duyệt | 0.5 | A | 100% công chức được bố trí đúng vị trí việc làm: 0,5 điểm.
5.2 | Tuyển dụng, sử dụng công chức, viên chức
5.2.1 | Thực hiện quy định về tuyển dụng công chức, viên chức | 1 | A | Đúng quy định, không có sai phạm: 1 điểm.
5.2.2 | Thực hiện chuyển đổi vị trí công tác | 0.5 | A | Có kế hoạch và thực hiện đúng: 0,5 điểm.
5.2.3 | Bổ nhiệm lãnh đạo đúng quy trình, tiêu chuẩn | 0.5 | A | Đúng quy định: 0,5 điểm.
5.3 | Đánh giá, xếp loại công chức, viên chức
5.3.1 | Đánh giá, xếp loại chất lượng hằng năm đúng quy định | 1 | A | Đúng trình tự, tỷ lệ theo quy định: 1 điểm.
5.3.2 | Đánh giá công chức theo kết quả thực hiện nhiệm vụ hằng tháng | 0.5 | A | Thực hiện đầy đủ hằng tháng: 0,5 điểm.
5.4 | Đào tạo, bồi dưỡng
5.4.1 | Ban hành kế hoạch đào tạo, bồi dưỡng | 0.5 | A | Có kế hoạch: 0,5 điểm.
5.4.2 | Tỷ lệ hoàn thành kế hoạch đào tạo, bồi dưỡng | 1 | A | Từ 90% trở lên: 1 điểm; từ 70% đến dưới 90%: 0,5 điểm.
5.5 | Kỷ luật, kỷ cương hành chính
5.5.1 | Chấp hành kỷ luật, kỷ cương hành chính | 1 | A | Không có vi phạm bị cơ quan có thẩm quyền phát hiện: 1 điểm.
5.5.2 | Không có cán bộ, công chức bị kỷ luật | 1 | A | Không có: 1 điểm; có người bị kỷ luật từ khiển trách trở lên: 0 điểm.
5.6 | Cán bộ, công chức cấp xã
5.6.1 | Tỷ lệ cán bộ, công chức cấp xã đạt chuẩn | 1 | A | 100% đạt chuẩn: 1 điểm; từ 90%: 0,5 điểm.
5.6.2 | Bố trí số lượng cán bộ, công chức cấp xã đúng quy định | 0.5 | A | Không vượt số lượng quy định: 0,5 điểm.
6 | Cải cách tài chính công
6.1 | Quản lý, sử dụng ngân sách nhà nước
6.1.1 | Tỷ lệ giải ngân vốn đầu tư công được giao | 1.5 | A e | Từ 95% trở lên: 1,5 điểm; từ 80% đến dưới 95%: 1 điểm; dưới 80%: 0 điểm.
6.1.2 | Công khai dự toán, quyết toán ngân sách | 1 | A | Đúng nội dung, thời hạn: 1 điểm.
6.1.3 | Thực hiện kiến nghị của thanh tra, kiểm toán về tài chính | 0.5 | A k | Thực hiện 100% kiến nghị: 0,5 điểm. Chọn “không áp dụng” nếu không có kiến nghị.
6.2 | Thực hiện cơ chế tự chủ tài chính
6.2.1 | Ban hành, cập nhật quy chế chi tiêu nội bộ | 1 | A | Ban hành trong quý I, đúng quy định: 1 điểm; sau quý I: 0,5 điểm.
6.2.2 | Thực hiện tiết kiệm chi thường xuyên | 0.5 | A | Có kết quả tiết kiệm và báo cáo đầy đủ: 0,5 điểm.
6.3 | Quản lý, sử dụng tài sản công
6.3.1 | Ban hành quy chế quản lý, sử dụng tài sản công | 1 | A | Có quy chế: 1 điểm.
6.3.2 | Sử dụng tài sản đúng mục đích, tiêu chuẩn, định mức | 0.5 | A | Không có sai phạm: 0,5 điểm.
6.4 | Thu ngân sách nhà nước trên địa bàn
6.4.1 | Hoàn thành dự toán thu ngân sách nhà nước được giao | 1 | A | Đạt hoặc vượt dự toán: 1 điểm; từ 90% đến dưới 100%: 0,5 điểm.
7 | Xây dựng chính quyền điện tử, chính quyền số
7.1 | Ứng dụng công nghệ thông tin trong hoạt động nội bộ
7.1.1 | Sử dụng hệ thống quản lý văn bản và điều hành | 1 | A | 100% văn bản đi, đến được xử lý trên hệ thống: 1 điểm; từ 90%: 0,5 điểm.
7.1.2 | Tỷ lệ văn bản điện tử có ký số gửi, nhận trên môi trường mạng | 1.5 | A e | Từ 95% trở lên: 1,5 điểm; từ 80% đến dưới 95%: 1 điểm; dưới 80%: 0 điểm.
7.1.3 | Sử dụng hệ thống thư điện tử công vụ | 0.5 | A | 100% cán bộ, công chức sử dụng: 0,5 điểm.
7.1.4 | Tổ chức họp trực tuyến đến cấp xã | 1 | A | Có hệ thống kết nối đến 100% đơn vị cấp xã: 1 điểm.
7.2 | Cổng/Trang thông tin điện tử
7.2.1 | Cung cấp thông tin đầy đủ theo quy định | 1 | A | Đủ các mục thông tin theo quy định: 1 điểm; thiếu: 0,5 điểm.
7.2.2 | Cập nhật thông tin thường xuyên, kịp thời | 1 | A | Cập nhật hằng tuần: 1 điểm; không thường xuyên: 0,5 điểm.
7.3 | Hệ thống thông tin giải quyết TTHC
7.3.1 | Cập nhật, xử lý hồ sơ trên Hệ thống thông tin giải quyết TTHC | 1 | A | 100% hồ sơ cấp huyện và cấp xã được cập nhật trên hệ thống: 1 điểm.
7.3.2 | Kết nối, chia sẻ dữ liệu với cơ sở dữ liệu quốc gia | 1 | A | Có kết nối, khai thác dữ liệu: 1 điểm.
7.4 | Chuyển đổi số
7.4.1 | Ban hành kế hoạch chuyển đổi số năm | 0.5 | A | Có kế hoạch: 0,5 điểm.
7.4.2 | Mức độ hoàn thành kế hoạch chuyển đổi số | 1 | A | Hoàn thành 100%: 1 điểm; từ 80%: 0,5 điểm.
7.4.3 | Bảo đảm an toàn thông tin mạng | 0.5 | A | Không để xảy ra sự cố mất an toàn thông tin: 0,5 điểm.
7.4.4 | Hoạt động của Tổ công nghệ số cộng đồng | 1 | A | 100% thôn, tổ dân phố có Tổ công nghệ số cộng đồng hoạt động: 1 điểm.
7.5 | Hệ thống quản lý chất lượng theo TCVN ISO 9001
7.5.1 | Duy trì hệ thống quản lý chất lượng tại UBND cấp huyện | 1 | A e | Áp dụng, duy trì, cải tiến đúng quy định: 1 điểm.
7.5.2 | Áp dụng hệ thống quản lý chất lượng tại UBND cấp xã | 0.5 | A | 100% đơn vị cấp xã áp dụng: 0,5 điểm.
7.6 | Hạ tầng kỹ thuật
7.6.1 | Kết nối mạng truyền số liệu chuyên dùng đến cấp xã | 1 | A | 100% đơn vị cấp xã được kết nối: 1 điểm.
7.6.2 | Hệ thống camera giám sát tại Bộ phận Một cửa | 0.5 | A | Có camera kết nối với Trung tâm giám sát của tỉnh: 0,5 điểm.
8 | Tác động của cải cách hành chính (điều tra xã hội học)
8.1 | Đánh giá của lãnh đạo, công chức về công tác CCHC
8.1.1 | Về công tác chỉ đạo, điều hành CCHC | 2 | S
8.1.2 | Về cải cách thể chế | 1 | S
8.1.3 | Về cải cách thủ tục hành chính | 2 | S
8.1.4 | Về cải cách tổ chức bộ máy và chế độ công vụ | 1.5 | S
8.1.5 | Về cải cách tài chính công | 0.5 | S
8.1.6 | Về xây dựng chính quyền điện tử, chính quyền số | 1 | S
8.2 | Mức độ hài lòng của người dân, tổ chức đối với UBND cấp huyện
8.2.1 | Tiếp cận dịch vụ | 3 | S
8.2.2 | Thủ tục hành chính | 3 | S
8.2.3 | Sự phục vụ của công chức | 3 | S
8.2.4 | Kết quả giải quyết thủ tục hành chính | 3 | S
8.2.5 | Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị | 3 | S
8.3 | Mức độ hài lòng của người dân đối với chính quyền cấp xã
8.3.1 | Về tiếp nhận, giải quyết TTHC tại cấp xã | 3.5 | S
8.3.2 | Về thái độ phục vụ của công chức cấp xã | 3.5 | S
"""

FRAMEWORK_NGANHDOC = """
1 | Công tác chỉ đạo, điều hành cải cách hành chính
1.1 | Kế hoạch CCHC năm
1.1.1 | Ban hành kế hoạch CCHC năm kịp thời | 1.5 | A e | Ban hành trước ngày 31/01: 1,5 điểm; sau đó: 0,5 điểm.
1.1.2 | Mức độ hoàn thành kế hoạch CCHC | 2.5 | A | Hoàn thành 100%: 2,5 điểm; từ 80%: 1,5 điểm; dưới 80%: 0 điểm.
1.2 | Báo cáo công tác CCHC
1.2.1 | Gửi báo cáo CCHC cho UBND tỉnh đầy đủ | 1 | A | Đủ báo cáo 6 tháng và năm: 1 điểm.
1.2.2 | Gửi báo cáo đúng thời hạn | 1 | A | Đúng hạn: 1 điểm.
1.3 | Công tác tuyên truyền CCHC
1.3.1 | Tuyên truyền CCHC của ngành tại địa phương | 1 | A | Có hình thức tuyên truyền trong năm: 1 điểm.
1.3.2 | Niêm yết thông tin CCHC tại trụ sở | 1 | A | Đầy đủ, dễ tiếp cận: 1 điểm.
1.4 | Phối hợp với tỉnh trong công tác CCHC
1.4.1 | Tham gia các hoạt động CCHC của tỉnh | 2 | A | Tham gia đầy đủ các hội nghị, đoàn kiểm tra của tỉnh: 2 điểm; không đầy đủ: 1 điểm.
1.4.2 | Thực hiện yêu cầu của UBND tỉnh về CCHC | 2 | A | Thực hiện đầy đủ, đúng hạn: 2 điểm; chậm: 1 điểm.
2 | Cải cách thủ tục hành chính
2.1 | Công khai TTHC
2.1.1 | Công khai TTHC tại trụ sở | 2 | A | Đầy đủ, đúng quy định: 2 điểm; thiếu: 1 điểm.
2.1.2 | Công khai TTHC trên Cổng thông tin điện tử của ngành | 2 | A | Đầy đủ, chính xác: 2 điểm.
2.1.3 | Công khai quy trình nội bộ giải quyết TTHC | 1 | A | Đủ quy trình nội bộ: 1 điểm.
2.2 | Giải quyết TTHC
2.2.1 | Tỷ lệ hồ sơ TTHC giải quyết đúng hạn | 5 | A e | Từ 98% trở lên: 5 điểm; từ 95% đến dưới 98%: 4 điểm; từ 90% đến dưới 95%: 2 điểm; dưới 90%: 0 điểm.
2.2.2 | Xin lỗi tổ chức, cá nhân khi giải quyết hồ sơ trễ hạn | 1 | A k | Có văn bản xin lỗi 100% hồ sơ trễ hạn: 1 điểm. Chọn “không áp dụng” nếu không có hồ sơ trễ hạn.
2.2.3 | Tiếp nhận TTHC tại Trung tâm Phục vụ hành chính công tỉnh | 3 | A k | 100% TTHC đủ điều kiện được tiếp nhận tại Trung tâm: 3 điểm. Chọn “không áp dụng” nếu ngành không có TTHC đủ điều kiện.
2.3 | Cung cấp dịch vụ công trực tuyến
2.3.1 | Tỷ lệ hồ sơ trực tuyến toàn trình | 3 | A e | Đạt chỉ tiêu của ngành: 3 điểm; đạt từ 70% chỉ tiêu: 1,5 điểm.
2.3.2 | Tỷ lệ hồ sơ thanh toán trực tuyến | 3 | A | Đạt chỉ tiêu của ngành: 3 điểm; đạt từ 70% chỉ tiêu: 1,5 điểm.
2.4 | Tiếp nhận, xử lý phản ánh, kiến nghị
2.4.1 | Xử lý phản ánh, kiến nghị đúng thời hạn | 2 | A k | 100% đúng hạn: 2 điểm. Chọn “không áp dụng” nếu không phát sinh.
3 | Cải cách tổ chức bộ máy hành chính nhà nước
3.1 | Tổ chức bộ máy
3.1.1 | Kiện toàn tổ chức theo quy định của ngành | 2 | A | Đúng quy định: 2 điểm.
3.1.2 | Công khai chức năng, nhiệm vụ, cơ cấu tổ chức | 2 | A | Công khai đầy đủ: 2 điểm.
3.2 | Biên chế và phân cấp
3.2.1 | Sử dụng biên chế được giao | 2 | A | Không vượt biên chế: 2 điểm.
3.2.2 | Thực hiện phân cấp, ủy quyền của ngành | 2 | A | Đúng quy định: 2 điểm.
4 | Cải cách chế độ công vụ
4.1 | Kỷ luật, kỷ cương và văn hóa công vụ
4.1.1 | Thực hiện quy định về văn hóa công vụ | 2 | A | Có quy định và kiểm tra việc thực hiện: 2 điểm.
4.1.2 | Chấp hành kỷ luật, kỷ cương hành chính | 2 | A | Không có vi phạm bị phát hiện: 2 điểm.
4.2 | Đào tạo và đánh giá công chức
4.2.1 | Hoàn thành kế hoạch đào tạo, bồi dưỡng | 3 | A | Từ 90% trở lên: 3 điểm; từ 70%: 1,5 điểm.
4.2.2 | Đánh giá, xếp loại công chức đúng quy định | 3 | A | Đúng quy định: 3 điểm.
5 | Cải cách tài chính công
5.1 | Quản lý tài chính
5.1.1 | Ban hành, thực hiện quy chế chi tiêu nội bộ | 2 | A | Có quy chế, thực hiện đúng: 2 điểm.
5.1.2 | Công khai tài chính theo quy định | 2 | A | Đúng nội dung, thời hạn: 2 điểm.
6 | Xây dựng chính quyền điện tử, chính quyền số
6.1 | Ứng dụng công nghệ thông tin trong hoạt động nội bộ
6.1.1 | Sử dụng hệ thống quản lý văn bản và điều hành | 2 | A | 100% văn bản được xử lý trên hệ thống: 2 điểm.
6.1.2 | Ký số văn bản điện tử | 2 | A e | Từ 95% văn bản đi có ký số: 2 điểm; từ 80%: 1 điểm.
6.1.3 | Tổ chức họp trực tuyến | 2 | A | Có hệ thống và sử dụng thường xuyên: 2 điểm.
6.2 | Kết nối, chia sẻ dữ liệu
6.2.1 | Kết nối, chia sẻ dữ liệu với hệ thống của tỉnh | 3 | A | Có kết nối, chia sẻ dữ liệu: 3 điểm.
6.2.2 | Bảo đảm an toàn thông tin mạng | 2 | A | Không để xảy ra sự cố: 2 điểm.
6.3 | Hệ thống quản lý chất lượng
6.3.1 | Duy trì hệ thống quản lý chất lượng theo TCVN ISO 9001 | 3 | A e | Áp dụng, duy trì, cải tiến đúng quy định: 3 điểm.
7 | Mức độ hài lòng của người dân, tổ chức (điều tra xã hội học)
7.1 | Mức độ hài lòng đối với sự phục vụ
7.1.1 | Tiếp cận dịch vụ | 6 | S
7.1.2 | Thủ tục hành chính | 6 | S
7.1.3 | Sự phục vụ của công chức | 6 | S
7.1.4 | Kết quả giải quyết thủ tục hành chính | 6 | S
7.1.5 | Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị | 6 | S
"""

FRAMEWORK_NAMES = {
    "SO": "Bộ chỉ số CCHC các sở, ban, ngành năm {year}",
    "HUYEN": "Bộ chỉ số CCHC UBND cấp huyện năm {year}",
    "XA": "Bộ chỉ số CCHC UBND cấp xã năm {year}",
    "NGANHDOC": "Bộ chỉ số CCHC cơ quan ngành dọc năm {year}",
}

# Until 2021 the domains had their pre-2022 names.
DOMAIN_NAMES_BEFORE_2022 = {
    "Cải cách thể chế": "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
    "Cải cách chế độ công vụ": "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức",
    "Xây dựng chính quyền điện tử, chính quyền số": "Hiện đại hóa hành chính",
}

# From 2023 the digitisation of files moved to the domain of digital government (and the
# districts' next item moved up): old code → new code, with a crosswalk from 2022.
RENUMBERED_FROM_2023 = {
    "SO": {"3.3.4": "7.3.3"},
    "HUYEN": {"3.3.4": "7.3.3", "3.3.5": "3.3.4"},
    "XA": {},
    "NGANHDOC": {},
}

# --------------------------------------------------------------------------- bands and figures

BANDS = {
    "SO": [("Xuất sắc", "97"), ("Tốt", "92.5"), ("Khá", "80"), ("Trung bình", "65"), ("Yếu", "0")],
    "XA": [("Xuất sắc", "95"), ("Tốt", "90"), ("Khá", "75"), ("Trung bình", "60"), ("Yếu", "0")],
    "HUYEN": [("Xuất sắc", "95"), ("Tốt", "90"), ("Khá", "75"), ("Trung bình", "60"), ("Yếu", "0")],
    "NGANHDOC": [("Tốt", "90"), ("Khá", "80"), ("Trung bình", "65"), ("Yếu", "0")],
}

# The index of every unit in 2023. Sở Nội vụ, Sở LĐ-TB&XH, Sở TN-MT, Bắc Trà My and Nông Sơn are
# the published figures; the others are invented within the published classification.
INDEX_2023 = {
    "SO-NV": "96.86",
    "SO-TP": "95.92",
    "SO-VPUBND": "95.48",
    "SO-TTTT": "95.17",
    "SO-TC": "94.73",
    "SO-KHDT": "94.60",
    "SO-KHCN": "94.60",
    "SO-GDDT": "94.21",
    "SO-YT": "93.86",
    "SO-CT": "93.54",
    "SO-TTR": "93.37",
    "SO-NGV": "93.10",
    "SO-XD": "92.96",
    "SO-VHTTDL": "92.81",
    "SO-BDT": "92.64",
    "SO-LDTBXH": "92.03",
    "SO-GTVT": "90.47",
    "SO-NNPTNT": "88.92",
    "SO-BQLKKT": "86.15",
    "SO-TNMT": "82.35",
    "HUYEN-BTM": "89.45",
    "HUYEN-TK": "88.97",
    "HUYEN-HA": "88.40",
    "HUYEN-DB": "87.66",
    "HUYEN-NTM": "87.12",
    "HUYEN-PN": "86.85",
    "HUYEN-TG": "86.85",
    "HUYEN-DX": "86.03",
    "HUYEN-NT": "85.71",
    "HUYEN-TB": "84.94",
    "HUYEN-DG": "84.50",
    "HUYEN-DL": "83.62",
    "HUYEN-TP": "82.87",
    "HUYEN-PS": "81.96",
    "HUYEN-QS": "81.30",
    "HUYEN-HD": "79.84",
    "HUYEN-NG": "78.52",
    "HUYEN-NS": "76.95",
    "NGD-KBNN": "91.38",
    "NGD-THUE": "88.64",
    "NGD-BHXH": "87.20",
    "NGD-HQ": "85.93",
    "NGD-CA": "84.11",
}
# Units whose 2023 index must come out exactly (published, or tied): every item applicable.
EXACT_2023 = {
    "SO-NV",
    "SO-LDTBXH",
    "SO-TNMT",
    "SO-KHDT",
    "SO-KHCN",
    "HUYEN-BTM",
    "HUYEN-NS",
    "HUYEN-PN",
    "HUYEN-TG",
}
# Other years: the 2023 index, moved by the group's yearly trend and a seeded spread of ±1,50.
YEAR_TREND = {
    "SO": {2021: -240, 2022: -110, 2024: 50, 2025: 90, 2026: 130},
    "HUYEN": {2021: -100, 2022: 90, 2024: 110},
    "XA": {2025: 0, 2026: 70},
    "NGANHDOC": {2021: -200, 2022: -80, 2024: 60, 2025: 80, 2026: 100},
}
# Exact figures of other years (hundredths of a percent), and ceilings keeping them first.
INDEX_OVERRIDES = {(2022, "HUYEN-BTM"): 9144}
INDEX_CEILINGS = {(2022, "HUYEN"): 9120}
# Published split of a total (appraisal, survey) where known.
EXACT_SPLIT = {(2023, "SO-LDTBXH"): ("65.81", "26.22")}
# Points set by hand, with the appraisers' reasons: Sở LĐ-TB&XH's reported weak points of 2023
# (procedures published late, few fully-online files and online payments, satisfaction < 80%).
PINNED_POINTS = {
    (2023, "SO-LDTBXH"): {
        "3.2.1": "0.50",
        "3.5.1": "0.75",
        "3.5.2": "0.50",
        "8.2.1": "1.95",
        "8.2.2": "2.31",
        "8.2.3": "2.46",
        "8.2.4": "2.37",
        "8.2.5": "1.86",
    }
}
PINNED_REASONS = {
    "3.2.1": "Một số quyết định công bố danh mục TTHC được tham mưu chậm so với thời hạn quy định.",
    "3.5.1": "Tỷ lệ hồ sơ trực tuyến toàn trình mới đạt khoảng 70% chỉ tiêu UBND tỉnh giao.",
    "3.5.2": "Tỷ lệ hồ sơ thanh toán trực tuyến thấp, chưa đạt chỉ tiêu được giao.",
}
# Items that never apply to a unit (no public service units, no public investment, no fees…).
FIXED_NOT_APPLICABLE = {
    "SO-NGV": {"4.3.1", "4.3.2", "6.1.1"},
    "SO-BDT": {"4.3.1", "4.3.2", "6.1.1"},
    "SO-TTR": {"4.3.1", "4.3.2", "3.5.2"},
    "NGD-CA": {"2.2.3"},
}
NOT_APPLICABLE_CHANCE = 0.05

# --------------------------------------------------------------------------- texts

REASONS_LOWER = [
    "Tài liệu kiểm chứng chưa đầy đủ, chưa chứng minh được kết quả tự đánh giá.",
    "Thực hiện chậm so với thời hạn quy định.",
    "Kết quả thực hiện chưa đạt chỉ tiêu kế hoạch đề ra.",
    "Báo cáo gửi trễ hạn, số liệu chưa thống nhất với báo cáo năm.",
    "Tỷ lệ thực hiện thấp hơn mức quy định để đạt điểm tối đa.",
    "Đơn vị tự đánh giá chưa đúng hướng dẫn chấm điểm.",
    "Tài liệu kiểm chứng không thuộc năm đánh giá.",
    "Số liệu trên Hệ thống thông tin giải quyết TTHC thấp hơn số liệu đơn vị báo cáo.",
]
REASON_HIGHER = (
    "Đơn vị tự đánh giá thấp hơn kết quả thực tế; Hội đồng thẩm định điều chỉnh tăng theo tài "
    "liệu kiểm chứng."
)
NOTE_NOT_APPLICABLE = "Trong năm đánh giá không phát sinh nội dung này."
EVIDENCE_NOTES = [
    "Kèm theo Kế hoạch số {n}/KH-{abbr} ngày {day}/{month}/{year}.",
    "Kèm theo Báo cáo số {n}/BC-{abbr} ngày {day}/{month}/{year}.",
    "Kèm theo Quyết định số {n}/QĐ-{abbr} ngày {day}/{month}/{year}.",
    "Số liệu trích xuất từ Hệ thống thông tin giải quyết TTHC của tỉnh ngày {day}/{month}/{year}.",
]
DIFFICULTIES = [
    "Hệ thống thông tin giải quyết TTHC còn chậm, chưa đồng bộ với Cổng dịch vụ công quốc gia.",
    "Người dân còn thói quen nộp hồ sơ trực tiếp, tỷ lệ hồ sơ trực tuyến toàn trình thấp.",
    "Biên chế ít, công chức kiêm nhiệm nhiều việc nên việc cập nhật tài liệu kiểm chứng còn chậm.",
    "Hạ tầng mạng ở vùng sâu, vùng xa chưa ổn định.",
]
PROPOSALS = [
    "Đề nghị tỉnh tổ chức tập huấn hướng dẫn chấm điểm Chỉ số CCHC trước kỳ đánh giá.",
    "Đề nghị nâng cấp Hệ thống thông tin giải quyết TTHC để kết xuất số liệu phục vụ chấm điểm.",
    "Đề nghị bổ sung kinh phí cho hoạt động chuyển đổi số.",
    "Đề nghị công bố sớm bộ chỉ số để đơn vị chủ động triển khai.",
]
# Publication of each published year's results: (date, decision number).
PUBLICATION = {
    2021: (datetime.date(2022, 3, 18), "612/QĐ-UBND"),
    2022: (datetime.date(2023, 3, 22), "701/QĐ-UBND"),
    2023: (datetime.date(2024, 3, 15), "588/QĐ-UBND"),
    2024: (datetime.date(2025, 3, 14), "540/QĐ-UBND"),
    2025: (datetime.date(2026, 3, 20), "1021/QĐ-UBND"),
}

# --------------------------------------------------------------------------- users

# (username, full name, role, unit code, appraised domains, superuser)
USERS = [
    ("admin", "Quản trị hệ thống", Role.ADMIN, "SO-NV", [], True),
    ("lanhdao", "Nguyễn Văn Hùng", Role.LEADERSHIP, "SO-VPUBND", [], False),
    ("thamdinh", "Trần Thị Mai", Role.APPRAISER, "SO-NV", [], False),
    ("thamdinh.tuphap", "Phạm Quốc Bảo", Role.APPRAISER, "SO-TP", ["2"], False),
    # Sở Nội vụ's own people never appraise it: the council's member at Văn phòng UBND does.
    ("thamdinh.vpubnd", "Ngô Thị Hạnh", Role.APPRAISER, "SO-VPUBND", [], False),
    ("lanhdao.ldtbxh", "Lê Văn Dũng", Role.LEADER, "SO-LDTBXH", [], False),
    ("canbo.ldtbxh", "Võ Thị Hoa", Role.STAFF, "SO-LDTBXH", [], False),
    ("canbo.tuphap", "Huỳnh Minh Tuấn", Role.STAFF, "SO-TP", [], False),
    ("canbo.bactramy", "Hồ Văn Tâm", Role.STAFF, "HUYEN-BTM", [], False),
    ("lanhdao.tuphap", "Đặng Thị Thu", Role.LEADER, "SO-TP", [], False),
    ("canbo.tamky", "Phan Văn Lợi", Role.STAFF, "XA-TAMKY", [], False),
    ("lanhdao.tamky", "Trương Thị Lan", Role.LEADER, "XA-TAMKY", [], False),
]


# --------------------------------------------------------------------------- the reorganisation

NGHI_DINH_45 = "Nghị định số 45/2025/NĐ-CP"

# Units that begin in 2025: (group, code, name, abbreviation).
NEW_UNITS = [
    ("SO", "SO-NNMT", "Sở Nông nghiệp và Môi trường", "SNNMT"),
]

# The communes and wards of the former Quảng Nam from 1 July 2025 (UBND cấp xã), by former
# district; ("P", name) is a ward (phường), ("X", name) a commune.
COMMUNES = {
    "Tam Kỳ": [("P", "Tam Kỳ"), ("P", "Quảng Phú"), ("P", "Hương Trà"), ("P", "Bàn Thạch")],
    "Hội An": [("P", "Hội An"), ("P", "Hội An Đông"), ("P", "Hội An Tây"), ("X", "Tân Hiệp")],
    "Điện Bàn": [
        ("P", "Điện Bàn"),
        ("P", "Điện Bàn Đông"),
        ("P", "An Thắng"),
        ("P", "Điện Bàn Bắc"),
        ("X", "Điện Bàn Tây"),
        ("X", "Gò Nổi"),
    ],
    "Duy Xuyên": [("X", "Nam Phước"), ("X", "Duy Xuyên"), ("X", "Duy Nghĩa"), ("X", "Thu Bồn")],
    "Đại Lộc": [
        ("X", "Đại Lộc"),
        ("X", "Hà Nha"),
        ("X", "Thượng Đức"),
        ("X", "Vu Gia"),
        ("X", "Phú Thuận"),
    ],
    "Quế Sơn": [("X", "Quế Sơn"), ("X", "Quế Sơn Trung"), ("X", "Xuân Phú")],
    "Nông Sơn": [("X", "Nông Sơn"), ("X", "Quế Phước")],
    "Thăng Bình": [
        ("X", "Thăng Bình"),
        ("X", "Thăng An"),
        ("X", "Thăng Trường"),
        ("X", "Thăng Điền"),
        ("X", "Thăng Phú"),
        ("X", "Đồng Dương"),
    ],
    "Hiệp Đức": [("X", "Hiệp Đức"), ("X", "Việt An"), ("X", "Phước Trà")],
    "Phú Ninh": [("X", "Phú Ninh"), ("X", "Tây Hồ"), ("X", "Chiên Đàn")],
    "Núi Thành": [
        ("X", "Núi Thành"),
        ("X", "Tam Xuân"),
        ("X", "Tam Anh"),
        ("X", "Tam Mỹ"),
        ("X", "Đức Phú"),
        ("X", "Tam Hải"),
    ],
    "Tiên Phước": [
        ("X", "Tiên Phước"),
        ("X", "Sơn Cẩm Hà"),
        ("X", "Lãnh Ngọc"),
        ("X", "Thạnh Bình"),
    ],
    "Bắc Trà My": [
        ("X", "Trà My"),
        ("X", "Trà Đốc"),
        ("X", "Trà Tân"),
        ("X", "Trà Liên"),
        ("X", "Trà Giáp"),
        ("X", "Trà Kót"),
    ],
    "Nam Trà My": [
        ("X", "Nam Trà My"),
        ("X", "Trà Tập"),
        ("X", "Trà Vân"),
        ("X", "Trà Linh"),
        ("X", "Trà Leng"),
    ],
    "Phước Sơn": [
        ("X", "Khâm Đức"),
        ("X", "Phước Hiệp"),
        ("X", "Phước Thành"),
        ("X", "Phước Năng"),
        ("X", "Phước Chánh"),
    ],
    "Nam Giang": [
        ("X", "Thạnh Mỹ"),
        ("X", "Bến Giằng"),
        ("X", "Nam Giang"),
        ("X", "La Êê"),
        ("X", "La Dêê"),
        ("X", "Đắc Pring"),
    ],
    "Đông Giang": [("X", "Đông Giang"), ("X", "Sông Kôn"), ("X", "Sông Vàng"), ("X", "Bến Hiên")],
    "Tây Giang": [("X", "Tây Giang"), ("X", "Avương"), ("X", "Hùng Sơn"), ("X", "Bhalêê")],
}


def commune_code(name: str) -> str:
    """ "Điện Bàn Đông" → "XA-DIENBANDONG"."""
    import unicodedata

    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "XA-" + "".join(c for c in plain if c.isalnum() and c.isascii()).upper()


def commune_units() -> list[tuple[str, str, str, str]]:
    """(group, code, name, abbreviation) of every commune and ward."""
    return [
        ("XA", commune_code(name), f"UBND {'phường' if kind == 'P' else 'xã'} {name}", "UBND")
        for places in COMMUNES.values()
        for kind, name in places
    ]


# The lineage of 2025: (kind, before, after, new name). The departments merged by Nghị định
# 45/2025/NĐ-CP, the departments and central agencies renamed after the provinces merged on
# 1 July 2025, and the districts, which are no longer assessed.
LINEAGE_2025 = [
    (LineageKind.MERGE, ("SO-NV", "SO-LDTBXH"), ("SO-NV",), ""),
    (LineageKind.MERGE, ("SO-TC", "SO-KHDT"), ("SO-TC",), ""),
    (LineageKind.MERGE, ("SO-XD", "SO-GTVT"), ("SO-XD",), ""),
    (LineageKind.MERGE, ("SO-KHCN", "SO-TTTT"), ("SO-KHCN",), ""),
    (LineageKind.MERGE, ("SO-NNPTNT", "SO-TNMT"), ("SO-NNMT",), ""),
    (LineageKind.RENAME, ("SO-BDT",), (), "Sở Dân tộc và Tôn giáo"),
    (LineageKind.RENAME, ("SO-VPUBND",), (), "Văn phòng UBND thành phố"),
    (LineageKind.RENAME, ("SO-TTR",), (), "Thanh tra thành phố"),
    (LineageKind.RENAME, ("NGD-CA",), (), "Công an thành phố"),
    (LineageKind.RENAME, ("NGD-THUE",), (), "Thuế thành phố Đà Nẵng"),
    (LineageKind.RENAME, ("NGD-BHXH",), (), "Bảo hiểm xã hội thành phố"),
    (LineageKind.RENAME, ("NGD-KBNN",), (), "Kho bạc Nhà nước khu vực XII"),
    (LineageKind.RENAME, ("NGD-HQ",), (), "Chi cục Hải quan khu vực XII"),
]
LINEAGE_NOTES = {
    LineageKind.MERGE: f"Hợp nhất theo {NGHI_DINH_45}.",
    LineageKind.RENAME: "Đổi tên khi hợp nhất tỉnh Quảng Nam và thành phố Đà Nẵng (01/7/2025).",
    LineageKind.END: "Chính quyền địa phương hai cấp từ 01/7/2025: không còn cấp huyện.",
}

# Items renamed from 2025, by group.
ITEM_NAMES_FROM_2025 = {
    "SO": {"4.1.2": f"Sắp xếp, kiện toàn tổ chức bộ máy theo {NGHI_DINH_45}"},
    "NGANHDOC": {"3.1.1": "Kiện toàn tổ chức theo mô hình mới của ngành"},
    "XA": {},
}

FRAMEWORK_XA = """
1 | Công tác chỉ đạo, điều hành cải cách hành chính
1.1 | Kế hoạch CCHC năm
1.1.1 | Ban hành kế hoạch CCHC năm kịp thời | 1 | A e | Ban hành trong tháng 01: 1 điểm; sau tháng 01: 0,5 điểm; không ban hành: 0 điểm.
1.1.2 | Mức độ hoàn thành kế hoạch CCHC | 2 | A | Hoàn thành 100%: 2 điểm; từ 80%: 1 điểm; dưới 80%: 0 điểm.
1.2 | Báo cáo, kiểm tra công tác CCHC
1.2.1 | Báo cáo CCHC đầy đủ, đúng hạn | 1 | A | Đủ báo cáo quý, 6 tháng, năm, đúng hạn: 1 điểm.
1.2.2 | Kiểm tra công tác CCHC tại thôn, tổ dân phố | 1 | A k | Có kiểm tra và xử lý sau kiểm tra: 1 điểm. Chọn “không áp dụng” nếu năm đánh giá không phải kiểm tra.
1.3 | Tuyên truyền CCHC
1.3.1 | Thực hiện kế hoạch tuyên truyền CCHC | 1 | A | Hoàn thành kế hoạch: 1 điểm.
1.4 | Sáng kiến trong CCHC
1.4.1 | Có sáng kiến, mô hình mới về CCHC được công nhận | 2 | A | Được cấp có thẩm quyền công nhận: 2 điểm; có đăng ký: 0,5 điểm.
2 | Cải cách thể chế
2.1 | Ban hành văn bản quy phạm pháp luật
2.1.1 | Ban hành văn bản QPPL đúng thẩm quyền, trình tự | 2 | A k | Đúng thẩm quyền, trình tự, thủ tục: 2 điểm. Chọn “không áp dụng” nếu không ban hành văn bản QPPL.
2.1.2 | Rà soát, hệ thống hóa văn bản | 1.5 | A | Thực hiện đầy đủ, đúng hạn: 1,5 điểm.
2.2 | Thi hành pháp luật
2.2.1 | Theo dõi thi hành pháp luật | 1 | A | Có kế hoạch và báo cáo kết quả: 1 điểm.
2.2.2 | Phổ biến, giáo dục pháp luật và hòa giải ở cơ sở | 1.5 | A | Hoàn thành kế hoạch: 1,5 điểm.
3 | Cải cách thủ tục hành chính
3.1 | Công khai TTHC
3.1.1 | Công khai TTHC tại bộ phận Một cửa | 1.5 | A | Đầy đủ, đúng quy định: 1,5 điểm.
3.1.2 | Công khai TTHC trên Cổng dịch vụ công | 1 | A | Đầy đủ, chính xác: 1 điểm.
3.2 | Thực hiện cơ chế một cửa
3.2.1 | Tỷ lệ hồ sơ TTHC giải quyết đúng hạn | 4 | A e | Từ 98%: 4 điểm; từ 95%: 3 điểm; từ 90%: 1,5 điểm; dưới 90%: 0 điểm.
3.2.2 | Xin lỗi người dân khi giải quyết hồ sơ trễ hạn | 1 | A k | Xin lỗi 100% hồ sơ trễ hạn: 1 điểm. Chọn “không áp dụng” nếu không có hồ sơ trễ hạn.
3.2.3 | Số hóa hồ sơ, kết quả giải quyết TTHC | 2 | A | Từ 80% hồ sơ được số hóa: 2 điểm; từ 50%: 1 điểm.
3.3 | Dịch vụ công trực tuyến
3.3.1 | Tỷ lệ hồ sơ trực tuyến toàn trình | 3 | A | Đạt chỉ tiêu giao: 3 điểm; đạt từ 70%: 1,5 điểm.
3.3.2 | Tỷ lệ hồ sơ thanh toán trực tuyến | 1.5 | A k | Đạt chỉ tiêu giao: 1,5 điểm. Chọn “không áp dụng” nếu không thu phí, lệ phí.
3.4 | Phản ánh, kiến nghị
3.4.1 | Xử lý phản ánh, kiến nghị đúng thời hạn | 2 | A k | 100% đúng hạn: 2 điểm. Chọn “không áp dụng” nếu không phát sinh.
4 | Cải cách tổ chức bộ máy hành chính nhà nước
4.1 | Tổ chức bộ máy
4.1.1 | Sắp xếp tổ chức bộ máy theo mô hình chính quyền địa phương hai cấp | 2 | A e | Hoàn thành đúng lộ trình: 2 điểm; chậm: 1 điểm.
4.1.2 | Bố trí cán bộ, công chức theo vị trí việc làm | 2 | A | Đúng quy định: 2 điểm.
4.2 | Thôn, tổ dân phố
4.2.1 | Sắp xếp thôn, tổ dân phố theo quy định | 2 | A k | Hoàn thành: 2 điểm. Chọn “không áp dụng” nếu không phải sắp xếp.
5 | Cải cách chế độ công vụ
5.1 | Cán bộ, công chức cấp xã
5.1.1 | Tỷ lệ cán bộ, công chức đạt chuẩn | 2 | A | Đạt 100%: 2 điểm; từ 90%: 1 điểm.
5.1.2 | Đánh giá, xếp loại cán bộ, công chức | 2 | A | Đúng quy định: 2 điểm.
5.1.3 | Đào tạo, bồi dưỡng cán bộ, công chức | 2 | A | Hoàn thành kế hoạch: 2 điểm.
5.2 | Kỷ luật, kỷ cương hành chính
5.2.1 | Chấp hành kỷ luật, kỷ cương hành chính | 2 | A | Không có vi phạm: 2 điểm.
5.2.2 | Không có cán bộ, công chức bị kỷ luật | 2 | A | Không có: 2 điểm.
6 | Cải cách tài chính công
6.1 | Quản lý ngân sách
6.1.1 | Thực hiện dự toán ngân sách được giao | 2 | A | Đúng dự toán: 2 điểm.
6.1.2 | Thu ngân sách trên địa bàn đạt chỉ tiêu | 2 | A | Đạt chỉ tiêu: 2 điểm; từ 90%: 1 điểm.
6.1.3 | Công khai ngân sách theo quy định | 1 | A | Đúng nội dung, thời hạn: 1 điểm.
6.1.4 | Giải ngân vốn đầu tư công | 1 | A k | Giải ngân 100% kế hoạch: 1 điểm. Chọn “không áp dụng” nếu không được giao vốn.
7 | Xây dựng chính quyền điện tử, chính quyền số
7.1 | Hạ tầng số
7.1.1 | Sử dụng hệ thống quản lý văn bản và điều hành | 3 | A | 100% văn bản được xử lý trên hệ thống: 3 điểm.
7.1.2 | Tỷ lệ văn bản điện tử có chữ ký số | 3 | A | Từ 95%: 3 điểm; từ 80%: 1,5 điểm.
7.2 | Dịch vụ số
7.2.1 | Cập nhật Hệ thống thông tin giải quyết TTHC | 3 | A | Đầy đủ, kịp thời: 3 điểm.
7.2.2 | Trang thông tin điện tử của xã | 2 | A | Cập nhật thường xuyên: 2 điểm.
7.3 | Chuyển đổi số
7.3.1 | Tổ công nghệ số cộng đồng hoạt động hiệu quả | 3 | A | Hoạt động thường xuyên, có kết quả: 3 điểm.
7.3.2 | Số hóa dữ liệu hộ tịch, đất đai | 2 | A | Hoàn thành kế hoạch: 2 điểm.
7.3.3 | Họp trực tuyến, camera giám sát an ninh | 2 | A | Có và sử dụng thường xuyên: 2 điểm.
8 | Mức độ hài lòng của người dân, tổ chức (điều tra xã hội học)
8.1 | Sự phục vụ của chính quyền cấp xã
8.1.1 | Tiếp cận dịch vụ | 6 | S
8.1.2 | Thủ tục hành chính | 6 | S
8.1.3 | Sự phục vụ của công chức | 6 | S
8.1.4 | Kết quả giải quyết thủ tục hành chính | 6 | S
8.1.5 | Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị | 6 | S
"""

# The communes' indices of 2025 spread around this (hundredths); the year's trend does the rest.
COMMUNE_BASE = 8500
COMMUNE_SPREAD = 650

# --------------------------------------------------------------------------- the year in progress

# 2026: most sheets submitted; these communes still in draft after the deadline, the first of
# them with a saved draft (history); XA-TAMKY goes through the workflow with evidence documents;
# Sở Tư pháp is appraised in part by the services and asked to explain one item.
DRAFTS_2026 = ("XA-TRATAP", "XA-BHALEE", "XA-LADEE")
WORKFLOW_UNIT_2026 = "XA-TAMKY"
APPRAISED_UNIT_2026 = "SO-TP"
EXPLANATION_2026 = (
    "3.3.2",
    "Đề nghị đơn vị giải trình và bổ sung số liệu hồ sơ giải quyết đúng hạn trích xuất từ Hệ "
    "thống thông tin giải quyết TTHC: tỷ lệ 100% tự đánh giá chưa khớp với báo cáo quý IV.",
)
APPRAISALS_2026 = {
    # item: (points, reason)
    "1.1.1": ("1.00", ""),
    "1.1.2": ("1.00", "Còn 2 nhiệm vụ của kế hoạch CCHC chưa hoàn thành đúng hạn."),
    "2.1.1": ("1.50", ""),
}

FRAMEWORKS = {
    "SO": FRAMEWORK_SO,
    "HUYEN": FRAMEWORK_HUYEN,
    "XA": FRAMEWORK_XA,
    "NGANHDOC": FRAMEWORK_NGANHDOC,
}

# --------------------------------------------------------------------------- real frameworks (2026)
# From 2026 the departments' and communes' frameworks score some items by rule from a measured
# value, and end with a bonus and a deduction section (issue 13); earlier years keep their plain
# frameworks and their published figures.

FIRST_REAL_FRAMEWORK_YEAR = 2026
RULES_2026 = {
    "SO": {
        "1.4.2": "yes_no",
        "1.6.1": "proportional 100",
        "3.3.2": "threshold 98:2.5 95:2 90:1 0:0",
        "3.5.1": "threshold 100:1.5 70:0.75 0:0",
        "7.1.2": "threshold 95:1.5 80:1 0:0",
    },
    "XA": {
        "1.1.2": "threshold 100:2 80:1 0:0",
        "3.2.1": "threshold 98:4 95:3 90:1.5 0:0",
        "3.3.1": "threshold 80:3 50:1.5 0:0",
        "7.1.2": "threshold 95:3 80:1.5 0:0",
    },
}
# Rule items whose measured value comes from a related index's component (issue 19, the link):
# the share of files handled online end to end is the 766 index's "online services" component
# of the last month the demo holds (2026-11), as a percentage of the component's maximum.
SOURCES_2026 = {"SO": {"3.5.1": "766:4@2026-11"}}
# Sở GD&ĐT's own figure is kept over the index's, with its reason (the worked example's 100%).
SOURCE_OVERRIDES_2026 = [
    (
        "SO-GDDT",
        "3.5.1",
        "100",
        "Sở đạt 100% chỉ tiêu hồ sơ trực tuyến toàn trình UBND tỉnh giao (báo cáo tháng 11/2026); "
        "số liệu Cổng DVC quốc gia chưa cập nhật hồ sơ liên thông.",
    )
]
RULE_GUIDANCE_2026 = {
    ("SO", "3.5.1"): (
        "Tỷ lệ hồ sơ TTHC giải quyết trực tuyến toàn trình so với chỉ tiêu UBND tỉnh giao: đạt "
        "100% chỉ tiêu: 1,50 điểm; từ 70% đến dưới 100%: 0,75 điểm; dưới 70%: 0 điểm."
    ),
    ("XA", "3.3.1"): (
        "Tỷ lệ hồ sơ TTHC giải quyết trực tuyến toàn trình: từ 80%: 3,00 điểm; từ 50% đến dưới "
        "80%: 1,50 điểm; dưới 50%: 0 điểm."
    ),
}
# (code, name, max points or None for the section's node, method, rule, guidance); the
# deduction section's node caps its sum at 2 points.
SECTIONS_2026 = [
    ("T", "Điểm thưởng", None, "", "", ""),
    (
        "T.1",
        "Sáng kiến CCHC được cấp có thẩm quyền công nhận",
        "1",
        "bonus",
        "",
        "Mỗi sáng kiến được Hội đồng sáng kiến cấp tỉnh công nhận trong năm: 0,5 điểm, tối đa "
        "1 điểm.",
    ),
    (
        "T.2",
        "Mô hình, giải pháp CCHC được UBND tỉnh nhân rộng",
        "1",
        "bonus",
        "",
        "Có mô hình, giải pháp được UBND tỉnh chọn nhân rộng: 1 điểm.",
    ),
    ("D", "Điểm trừ", "2", "", "", ""),
    (
        "D.1",
        "Chậm gửi báo cáo định kỳ về CCHC",
        "1",
        "deduction",
        "per_occurrence 0.25",
        "Mỗi báo cáo chậm hạn trừ 0,25 điểm, tối đa 1 điểm.",
    ),
    (
        "D.2",
        "Cán bộ, công chức vi phạm kỷ luật, kỷ cương hành chính bị xử lý",
        "2",
        "deduction",
        "yes_no",
        "Có cán bộ, công chức bị xử lý kỷ luật trong năm: trừ 2 điểm; không xếp loại Tốt.",
    ),
]
# Not above Khá when a disciplinary violation was deducted ("Khá:D.2>0").
CAPS_2026 = {"SO": [("Khá", "item_above_zero", "D.2")], "XA": [("Khá", "item_above_zero", "D.2")]}
# Units with recognised initiatives, late reports and a violation in 2026 (the rest: none).
EXTRAS_2026 = {
    "SO-GDDT": {"T.1": "1", "D.1": "2", "D.2": "1"},
    "SO-NV": {"T.1": "0.5", "T.2": "1"},
    "SO-YT": {"D.1": "1"},
    "SO-XD": {"D.1": "3"},
}
# The appraisers' corrected value of a rule item (Sở Tư pháp), with the reason.
APPRAISED_VALUES_2026 = {
    "1.6.1": (
        "92",
        "Theo báo cáo theo dõi nhiệm vụ UBND tỉnh giao: 23/25 nhiệm vụ hoàn thành đúng hạn (92%).",
    ),
}

# --------------------------------------------------------------------------- the split and a
# framework replaced during 2026 (issue 16)

# The communes' 2026 framework shares its points 65 (appraisal) / 35 (survey): five appraisal
# items lose a point each, the five survey items weigh 7 instead of 6. Earlier years keep 70/30.
MAXIMA_2026 = {
    "XA": {
        "5.1.3": ("1", "Hoàn thành kế hoạch: 1 điểm."),
        "5.2.2": ("1", "Không có: 1 điểm."),
        "7.1.1": ("2", "100% văn bản được xử lý trên hệ thống: 2 điểm."),
        "7.2.1": ("2", "Đầy đủ, kịp thời: 2 điểm."),
        "7.3.1": ("2", "Hoạt động thường xuyên, có kết quả: 2 điểm."),
        "8.1.1": ("7", ""),
        "8.1.2": ("7", ""),
        "8.1.3": ("7", ""),
        "8.1.4": ("7", ""),
        "8.1.5": ("7", ""),
    }
}

# The sector units' 2026 framework was issued again in October, after the units had submitted:
# 2.3.1 split in two, 1.3.1 and 1.3.2 merged, 6.1.4 new, 2.2.1's maximum from 5 to 4.


@dataclass(frozen=True)
class Replacement:
    group: str
    days_before_deadline: int
    decision: str
    reason: str
    drop: tuple[str, ...]
    add: list[tuple[str, str, str, str]]  # code, name, maximum, guidance
    maxima: dict[str, tuple[str, str]]  # code → (maximum, guidance)
    map: list[tuple[str, str]]  # (old code, new code)


REPLACED_2026 = Replacement(
    group="NGANHDOC",
    days_before_deadline=25,
    decision="QĐ 2712/QĐ-UBND",
    reason=(
        "UBND tỉnh ban hành lại Bộ chỉ số CCHC các cơ quan ngành dọc năm 2026 theo Đề án đổi mới "
        "phương pháp đánh giá (QĐ 1187/QĐ-BNV ngày 15/10/2025)"
    ),
    drop=("1.3.1", "1.3.2", "2.3.1"),
    add=[
        (
            "1.3.3",
            "Tuyên truyền CCHC và niêm yết thông tin CCHC tại trụ sở",
            "2",
            "Có hình thức tuyên truyền trong năm: 1 điểm; niêm yết đầy đủ, dễ tiếp cận: 1 điểm.",
        ),
        (
            "2.3.3",
            "Tỷ lệ hồ sơ trực tuyến toàn trình đối với TTHC do ngành giải quyết",
            "1.5",
            "Đạt chỉ tiêu của ngành: 1,5 điểm; đạt từ 70% chỉ tiêu: 0,75 điểm.",
        ),
        (
            "2.3.4",
            "Tỷ lệ hồ sơ trực tuyến toàn trình đối với TTHC liên thông với tỉnh",
            "1.5",
            "Đạt chỉ tiêu của tỉnh: 1,5 điểm; đạt từ 70% chỉ tiêu: 0,75 điểm.",
        ),
        (
            "6.1.4",
            "Sử dụng nền tảng số dùng chung của tỉnh",
            "1",
            "Kết nối và sử dụng thường xuyên: 1 điểm.",
        ),
    ],
    maxima={
        "2.2.1": (
            "4",
            "Từ 98% trở lên: 4 điểm; từ 95% đến dưới 98%: 3 điểm; từ 90% đến dưới 95%: 1,5 "
            "điểm; dưới 90%: 0 điểm.",
        )
    },
    map=[("2.3.1", "2.3.3"), ("2.3.1", "2.3.4"), ("1.3.1", "1.3.3"), ("1.3.2", "1.3.3")],
)
