# Một Cửa — giao diện tiếng Việt (ngôn ngữ mặc định).
# Mỗi chữ hiển thị trên trang lấy từ đây; mẫu trang (templates) không chứa chữ nào.

site-name = Một Cửa
skip-to-content = Bỏ qua, đến nội dung chính
nav-main = Điều hướng chính
nav-procedures = Thủ tục hành chính
nav-lookup = Tra cứu hồ sơ
nav-my-dossiers = Hồ sơ của tôi
nav-desk = Bàn làm việc
nav-login = Đăng nhập
nav-logout = Đăng xuất
lang-switch = English
lang-switch-code = en
footer-about = Hệ thống thông tin một cửa điện tử — phần mềm mã nguồn mở Một Cửa. Thời hạn tính theo ngày làm việc của cơ quan nhà nước, giờ Việt Nam.
print = In trang này

error-title = Không thực hiện được
error-code = Mã lỗi
error-home = Về trang chủ
error-not-found = Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.
error-forbidden = Tài khoản của bạn không có quyền thực hiện việc này.
error-internal = Hệ thống gặp lỗi; vui lòng thử lại sau ít phút.
error-csrf = Phiên làm việc của biểu mẫu đã hết hạn; vui lòng tải lại trang và gửi lại.
form-has-errors = Có thông tin cần sửa
form-required-note = Dấu * là thông tin bắt buộc.
form-question = Thông tin
form-answer = Nội dung kê khai
form-default-title = Tờ khai { $name }

login-title = Đăng nhập
login-username = Tên đăng nhập
login-password = Mật khẩu
login-submit = Đăng nhập
login-vneid-later = Đăng nhập bằng tài khoản định danh điện tử (VNeID) sẽ có trong bản sau.

home-title = Dịch vụ công trực tuyến
home-lead = Tìm thủ tục hành chính, nộp hồ sơ trực tuyến và theo dõi kết quả giải quyết.
home-popular = Thủ tục được dùng nhiều
home-by-sector = Theo lĩnh vực
home-by-level = Theo cấp thực hiện
home-lookup = Tra cứu tình trạng hồ sơ
procedures-count = { $n } thủ tục
search-title = Tìm thủ tục hành chính
search-label = Tên thủ tục cần tìm
search-hint = Gõ có dấu hoặc không dấu, ví dụ: dang ky khai sinh
search-submit = Tìm
search-results = { $n ->
    [0] Không tìm thấy thủ tục nào
   *[other] Tìm thấy { $n } thủ tục
}
online-available = Nộp trực tuyến được
level-commune = Cấp xã
level-province = Cấp tỉnh
level-central = Cấp trung ương

procedure-file-online = Nộp hồ sơ trực tuyến
procedure-not-online = Thủ tục này chưa nhận hồ sơ trực tuyến; vui lòng nộp trực tiếp hoặc qua bưu chính.
procedure-level = Cấp thực hiện
procedure-time-limit = Thời hạn giải quyết
procedure-cutoff = nhận sau { $time } tính từ ngày làm việc tiếp theo
procedure-where = Nơi nộp hồ sơ
procedure-where-any-commune = Trung tâm Phục vụ hành chính công của bất kỳ xã, phường nào trong tỉnh, hoặc trực tuyến
procedure-online-mode = Dịch vụ công trực tuyến
procedure-channels = Cách thức nộp
procedure-result = Kết quả
procedure-fees = Phí, lệ phí
procedure-no-fee = Không thu phí, lệ phí
procedure-free = Miễn phí
procedure-documents = Thành phần hồ sơ
procedure-legal-basis = Căn cứ pháp lý
procedure-print-form = Mẫu tờ khai để in
online-mode-full = Toàn trình
online-mode-partial = Một phần
online-mode-none = Không
doc-form-original = bản chính
doc-form-copy = bản sao
doc-form-certified-copy = bản sao có chứng thực
doc-form-shown = xuất trình
doc-form-unspecified = bản
doc-conditional = nếu thuộc trường hợp này

lookup-title = Tra cứu hồ sơ
lookup-code-label = Mã hồ sơ
lookup-code-hint = Mã ghi trên giấy tiếp nhận, ví dụ H79.50.01-261008-0001; hoặc quét mã QR trên giấy
lookup-submit = Tra cứu
lookup-procedure = Thủ tục
lookup-status = Tình trạng
lookup-received = Ngày tiếp nhận
lookup-due = Ngày hẹn trả kết quả
lookup-extended = đã gia hạn, có thư xin lỗi
lookup-returned = Ngày trả kết quả
lookup-steps = Các bước đã qua
lookup-bad-code = Mã hồ sơ không đúng dạng; vui lòng kiểm tra lại mã trên giấy tiếp nhận.
lookup-not-found = Không có hồ sơ mang mã này.

status-submitted = Mới đăng ký
status-received = Đã tiếp nhận
status-supplement-requested = Yêu cầu bổ sung
status-supplemented = Đã bổ sung
status-refused = Từ chối
status-assigned = Đã phân công
status-in-process = Đang xử lý
status-consulting = Đang xin ý kiến
status-transferred = Đã chuyển liên thông
status-awaiting-approval = Chờ phê duyệt
status-approved = Đã phê duyệt
status-result-ready = Có kết quả
status-returned = Đã trả kết quả
status-withdrawn = Đã rút hồ sơ
status-paused = Tạm dừng
status-stopped = Dừng xử lý

action-submit = Nộp hồ sơ
action-receive = Tiếp nhận
action-request-supplement = Yêu cầu bổ sung
action-supplement = Bổ sung hồ sơ
action-refuse = Từ chối
action-assign = Phân công
action-process = Xử lý
action-consult = Xin ý kiến
action-consult-reply = Trả lời xin ý kiến
action-transfer = Chuyển liên thông
action-submit-for-approval = Trình ký
action-approve = Phê duyệt
action-send-back = Trả lại chuyên viên
action-issue-result = Phát hành kết quả
action-return-result = Trả kết quả
action-withdraw = Rút hồ sơ
action-pause = Tạm dừng
action-resume = Tiếp tục xử lý
action-extend = Gia hạn và xin lỗi
action-stop = Dừng xử lý
action-rate = Đánh giá

channel-counter = Trực tiếp
channel-online = Trực tuyến
channel-post = Bưu chính
channel-assisted = Trực tuyến (có hỗ trợ)

role-receiving-officer = Cán bộ tiếp nhận
role-specialist = Chuyên viên xử lý
role-unit-leader = Lãnh đạo phòng
role-agency-leader = Lãnh đạo cơ quan
role-admin = Quản trị hệ thống
