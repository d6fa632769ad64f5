"""The demo: “Tỉnh Quảng Nam (dữ liệu mẫu)” 2021–2024, then “Thành phố Đà Nẵng (dữ liệu mẫu)”.

`load_demo()` builds, in one transaction and deterministically (one seeded generator per unit and
year): the province's 20 departments (SO), 18 districts (HUYEN) and 5 central agencies
(NGANHDOC); a framework per group and year (appraisal 70 + survey 30 points); bands; score sheets
with self-assessed and appraised points, reasons and not-applicable items; the results, through
`services.recompute_group`; and the demo logins. 2021–2025 are published, 2026 is being appraised.

From 2025 (the reorganisation, `data.LINEAGE_2025`) the portal belongs to the new Thành phố Đà
Nẵng, which holds here only the former Quảng Nam side: the departments merged by Nghị định
45/2025/NĐ-CP (Nội vụ + LĐ-TB&XH → Sở Nội vụ, Tài chính + KH&ĐT → Sở Tài chính, Xây dựng + GTVT →
Sở Xây dựng, KH&CN + TT&TT → Sở KH&CN, NN&PTNT + TN&MT → Sở Nông nghiệp và Môi trường), some
departments and every central agency renamed, the districts ended and about eighty communes and
wards (XA) assessed instead, on a framework and bands of their own. The lineage links every 2025
department to its 2024 predecessors, so the dashboards compare across the reorganisation. 2026
is in progress (`progress.py`): sheets submitted and in draft, one draft past the deadline, an
open explanation request, history and evidence documents made by the workflow services.

The 2023 figures reproduce the ones Quảng Nam published (see DOMAIN.md, “Real figures”): Sở
LĐ-TB&XH 65,81 + 26,22 = 92,03 “Khá”; departments from Sở Nội vụ 96,86 to Sở TN-MT 82,35, 15
“Tốt” and 5 “Khá”; every district “Khá”, from Bắc Trà My 89,45 to Nông Sơn 76,95; Bắc Trà My led
the districts in 2022 at 91,44; Kho bạc Nhà nước the only central agency “Tốt”. The other figures
are invented around them.

Everything created is marked as sample data (Unit.is_sample, “(dữ liệu mẫu)” in the years' owner
name, the demo users' e-mail domain) and `delete_demo()` deletes only what is so marked.
"""
