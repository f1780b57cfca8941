package synth

// Vietnamese names: family name first, then a middle name (Văn for most
// boys, Thị for most girls) and the given name: Nguyễn Văn An. Passports
// print them without diacritics as surname NGUYEN, given names VAN AN;
// registrations differ in diacritics and in where the middle name goes and
// which part is taken for the family name (Errors.NameOrder). The family
// names follow the real, very skewed distribution (Nguyễn about 38%).

var vnFamily = latin(`
Nguyễn; Trần; Lê; Phạm; Hoàng; Huỳnh; Phan; Vũ; Võ; Đặng; Bùi; Đỗ; Hồ; Ngô; Dương; Lý; Đinh; Trương;
Lương; Đào; Đoàn; Vương; Trịnh; Mai; Tô; Hà; Tạ; Cao; Lâm; Châu; Quách; Thái; Kiều; Chu; Lưu; Tăng;
Phùng; Triệu; La; Khúc; Âu; Giang
`, zipfSkewed)

var vnMiddleM = latin(`Văn; Đức; Minh; Hữu; Quang; Thanh; Công; Xuân; Ngọc; Tuấn`, zipfMiddle)

var vnMiddleF = latin(`Thị; Ngọc; Thu; Thanh; Kim; Mỹ; Bảo; Hồng; Minh; Phương`, zipfMiddle)

var vnGivenM = latin(`
An; Anh; Bảo; Bình; Cường; Dũng; Đạt; Đức; Duy; Dương; Hải; Hiếu; Hòa; Hoàng; Hùng; Huy; Khánh; Khoa;
Kiên; Long; Lâm; Mạnh; Minh; Nam; Nghĩa; Nhân; Phong; Phúc; Quân; Quang; Sơn; Tài; Thắng; Thành;
Thiện; Tiến; Toàn; Trung; Tuấn; Tùng; Việt; Vinh; Vũ; Hưng; Khải
`, zipfGiven)

var vnGivenF = latin(`
Anh; Châu; Chi; Diệp; Dung; Giang; Hà; Hạnh; Hằng; Hiền; Hoa; Hồng; Hương; Huyền; Lan; Linh; Loan;
Mai; My; Nga; Ngân; Ngọc; Nhung; Oanh; Phương; Quỳnh; Thảo; Thu; Thủy; Trang; Trâm; Tuyết; Uyên;
Vân; Vy; Xuân; Yến; Nhi; Thư; Tâm; Hòa; Khánh
`, zipfGiven)
