# Một Cửa — English interface (Vietnamese is the default language).
# Every text shown on the pages comes from here; page templates hold no text of their own.

site-name = Một Cửa
skip-to-content = Skip to main content
nav-main = Main navigation
nav-procedures = Administrative procedures
nav-lookup = Check an application
nav-my-dossiers = My applications
nav-desk = Desk
nav-login = Sign in
nav-logout = Sign out
nav-logout-all = Log out everywhere
lang-switch = Tiếng Việt
lang-switch-code = vi
footer-about = Electronic one-stop-shop information system, built with Một Cửa (“one-stop shop”), open-source software. Time limits are counted in the working days of state agencies, in Vietnam time.
print = Print this page

error-title = Something went wrong
error-code = Error code
error-home = Go to the home page
error-not-found = We could not find the page or data you asked for.
error-forbidden = Your account is not allowed to do this.
error-internal = The system had a problem. Try again in a few minutes.
error-csrf = This form has expired. Reload the page and send it again.
form-has-errors = There is a problem
form-required-note = Fields marked * are required.
form-question = Question
form-answer = Answer
form-default-title = Application form: { $name }

login-title = Sign in
login-username = Username
login-password = Password
login-submit = Sign in
login-vneid-off = Signing in with an electronic identity account (VNeID) is not configured on this server.
login-otp = Verification code (6 digits)
login-otp-hint = Open the authenticator app on your phone and type the code it shows; type your password again.
login-with-id = Sign in with your identity account
login-with-account = Or with an account of this system

home-title = Online public services
home-lead = Find an administrative procedure, apply online and follow the progress of your application.
home-popular = Most used procedures
home-by-sector = By sector
home-by-level = By level of government
home-lookup = Check the status of an application
procedures-count = { $n ->
    [one] { $n } procedure
   *[other] { $n } procedures
}
search-title = Find an administrative procedure
search-label = Name of the procedure
search-hint = Type with or without Vietnamese accents, for example: dang ky khai sinh (birth registration)
search-submit = Search
search-results = { $n ->
    [0] No procedures found
    [one] { $n } procedure found
   *[other] { $n } procedures found
}
online-available = Can be done online
level-commune = Commune level
level-province = Province level
level-central = Central level

procedure-file-online = Apply online
procedure-not-online = You cannot apply online for this procedure yet. Apply in person or by post.
procedure-level = Level of government
procedure-time-limit = Time limit
procedure-cutoff = applications received after { $time } count from the next working day
procedure-where = Where to apply
procedure-where-any-commune = The Public Administration Service Centre (Trung tâm Phục vụ hành chính công) of any commune or ward in the province, or online
procedure-online-mode = Online public service
procedure-channels = Ways to apply
procedure-result = Result
procedure-fees = Fees and charges
procedure-no-fee = No fees or charges
procedure-free = Free
procedure-documents = Documents needed
procedure-legal-basis = Legal basis
procedure-print-form = Printable form
online-mode-full = Fully online
online-mode-partial = Partly online
online-mode-none = Not online
doc-form-original = original
doc-form-copy = copy
doc-form-certified-copy = certified copy
doc-form-shown = to be shown
doc-form-unspecified = item
doc-conditional = if this applies to you

lookup-title = Check an application
lookup-code-label = Application reference
lookup-code-hint = The reference on your receipt, for example H79.50.01-261008-0001. Or scan the QR code on the receipt.
lookup-submit = Check
lookup-applicant = Applicant
lookup-procedure = Procedure
lookup-status = Status
lookup-received = Date received
lookup-due = Result due on
lookup-extended = extended, with a letter of apology
lookup-returned = Date result returned
lookup-steps = Steps so far
lookup-bad-code = This reference is not in the right format. Check the reference on your receipt.
lookup-not-found = There is no application with this reference.

status-submitted = Submitted
status-received = Received
status-supplement-requested = Supplement requested
status-supplemented = Supplemented
status-refused = Refused
status-assigned = Assigned
status-in-process = In process
status-consulting = Consulting
status-transferred = Transferred to another agency
status-awaiting-approval = Awaiting approval
status-approved = Approved
status-result-ready = Result ready
status-returned = Result returned
status-withdrawn = Withdrawn
status-paused = Paused
status-stopped = Stopped

action-submit = Submit application
action-receive = Receive
action-request-supplement = Request a supplement
action-supplement = Add to application
action-refuse = Refuse
action-assign = Assign
action-process = Process
action-consult = Ask for an opinion
action-consult-reply = Reply to a request for an opinion
action-transfer = Transfer to another agency
action-submit-for-approval = Submit for approval
action-approve = Approve
action-send-back = Send back to the officer
action-issue-result = Issue the result
action-return-result = Return the result
action-withdraw = Withdraw application
action-pause = Pause
action-resume = Resume processing
action-extend = Extend and apologise
action-stop = Stop processing
action-rate = Rate

channel-counter = In person
channel-online = Online
channel-post = By post
channel-assisted = Online (with help)

role-receiving-officer = Receiving officer
role-specialist = Case officer
role-unit-leader = Head of department
role-agency-leader = Head of agency
role-admin = System administrator

yes = Yes
error-upload = We could not read the upload. Choose the file again and send it again.
badge-late = Overdue
badge-today = Due today

applicant-name = Full name of the applicant (or name of the organisation)
applicant-name-hint = Write it in full, with Vietnamese accents, as on your identity papers.
applicant-id-number = Personal identification number
applicant-id-number-hint = The 12 digits on your citizen identity card (thẻ căn cước). Organisations enter their tax code.
applicant-phone = Phone number
applicant-phone-hint = So the agency can contact you if more documents are needed.
applicant-email = Email
applicant-email-hint = Optional.
applicant-address = Address
applicant-address-hint = Where you live, or the organisation’s head office.

wizard-progress = Steps to apply
wizard-step-applicant = Applicant
wizard-step-form = Form (part { $n })
wizard-step-files = Attached documents
wizard-step-review = Check and submit
wizard-agency = Where to submit
wizard-agency-hint = You can submit at any commune or ward in the province.
wizard-agency-required = Choose where to submit the application
wizard-consent = The applicant's consent
wizard-consent-hint = A helper may file and follow a dossier for someone only with their consent, which is recorded in the dossier.
wizard-consent-signed = The applicant signed an authorisation / consent form
wizard-consent-person = The applicant is present; identity document checked
wizard-consent-reference = Number of the authorisation paper (required with a paper)
wizard-consent-scopes = Besides filing, the helper may also:
wizard-consent-supplement = Send supplements when asked
wizard-consent-withdraw = Withdraw the dossier
wizard-consent-rate = Rate the service for the applicant
wizard-consent-days = Consent lasts (days, at most 180)
wizard-owner = Citizen’s account (if any)
wizard-owner-hint = The citizen’s username, so they can follow their application. You can leave this blank.
wizard-saved = Your answers are saved after each step. You can come back and finish later.
wizard-back = Back
wizard-next = Save and continue
wizard-files-lead = Attach photos or scans of these documents (if you have them):
wizard-files-uploaded = Attached files
wizard-files-none = No files yet.
wizard-file-delete = Delete file
wizard-file-label = Choose a file
wizard-file-hint = PDF, JPG/PNG/TIFF/WEBP images, or DOCX, XLSX, ODT, ODS documents. Each file can be up to 20 MB.
wizard-upload = Upload file
wizard-upload-failed = The file did not upload. Try again.
wizard-applicant = Applicant details
wizard-declaration = Form answers
wizard-review-no-files = You have not attached any files. You can still submit, and add files later if you are asked to.
wizard-declare = I declare that the information above is true.
wizard-file = Submit application
wizard-applicant-missing = Enter the applicant’s details

receipt-title = Application receipt and result date
receipt-done = We have recorded your application. Keep the application reference to check on it.
receipt-code = Application reference
receipt-applicant = Applicant
receipt-agency = Received at
receipt-submitted = Submitted at
receipt-documents = Documents received
dossier-consent = Applicant’s consent
dossier-consent-also = may also
dossier-consent-until = valid until
receipt-helper = Helped to apply by
receipt-qr = Scan the code to check the status of the application:
receipt-back = View application
receipt-due-after-receipt = Given once the application is received

mine-title = My applications
mine-drafts = Applications in progress
mine-draft-saved = saved at { $time }
mine-dossiers = Submitted applications
mine-none = You have not submitted any applications.
mine-waiting-supplement = The agency has asked you to add: { $items }.
mine-supplement-now = Add now
mine-rate-now = Rate our service
mine-receipt = Receipt and QR code
mine-supplement-title = Add to your application
mine-export-title = My data
mine-export-intro = Download one archive with your account details, every dossier you filed with its history, and the files attached. The download is recorded in the audit log.
mine-export = Download my data (.zip)
mine-supplement-lead = The agency has asked for:
mine-supplement-note = Note for the agency
mine-supplement-submit = Send
dossier-title = Application { $code }
dossier-files = Attached files
dossier-history = Progress
dossier-handling = Agency handling it
dossier-receipt = Print the receipt
dossier-actions = Actions
dossier-no-actions = Your role has no actions on this application at the moment.
dossier-preview = Preview (loads the file when opened)
file-hash = SHA-256 hash { $hash }
dossier-upload = Attach a scan or the result
rating-title = Rate our service
rating-question = How satisfied are you with how your application was handled?
rating-very-satisfied = Very satisfied
rating-satisfied = Satisfied
rating-dissatisfied = Not satisfied
rating-comment = Comments (optional)
rating-submit = Send rating
rating-given = Your rating: { $level }

desk-queue = Applications to handle
desk-due-today = Due today
desk-late = Overdue
desk-counter = Receive at the counter
desk-assisted = Apply for a citizen
desk-approvals = Approvals
desk-admin = Administration
filter-status = Status
filter-open = Open
filter-procedure = Procedure
filter-channel = Channel
filter-due = Deadline
filter-all = All
filter-apply = Filter
filter-who = Handled by
filter-who-me = Assigned to me
queue-count = { $n ->
    [one] { $n } application
   *[other] { $n } applications
}
queue-count-capped = More than { $n } applications
queue-caption = Order: open applications first, nearest deadline first.
col-code = Reference
col-procedure = Procedure
col-applicant = Applicant
col-status = Status
col-channel = Channel
col-due = Due
col-agency = Agency
col-select = Select
pager = Pages
pager-prev = Previous page
pager-next = Next page
pager-of = Page { $page } of { $pages }

deadline-legal = Legal time limit
deadline-appointment = Result due on
deadline-remaining = Time left
deadline-left = { $days ->
    [one] { $days } working day
   *[other] { $days } working days
} left ({ $hours ->
    [one] { $hours } working hour
   *[other] { $hours } working hours
})
deadline-overdue-by = { $days ->
    [one] { $days } working day
   *[other] { $days } working days
} overdue ({ $hours ->
    [one] { $hours } working hour
   *[other] { $hours } working hours
})
deadline-verdict = Timeliness
deadline-paused = Clock paused
timeliness-early = Early
timeliness-on-time = On time
timeliness-late = Late

field-reason = Reason
field-note = Note
field-items = Documents or information needed
field-items-hint = One item per line. List everything at once.
field-assignee = Case officer
field-unit = Department
field-target = Unit asked for an opinion
field-question = Request for an opinion
field-answer = Reply
field-agency = Agency to transfer to
field-result-number = Result number
field-method = How the result is returned
field-kind = Reason for pausing
field-new-due = New result date
field-apology = Letter of apology
field-documents = Documents received
field-channel = Channel
field-target-agency = Agency asked for an opinion
field-answer-by = Reply by
field-from-agency = From agency
field-to-agency = To agency
field-level = Satisfaction
field-comment = Comments
field-form-data = Changes to the form
method-counter = At the counter
method-post = By post
method-online = Online
pause-fee = Waiting for fees or taxes to be paid
pause-other = Other reason
file-kind-submission = application
file-kind-supplement = supplement
file-kind-result = result

counter-title = Receive an application at the counter
counter-agency = Received at
counter-documents = Documents received (originals)
counter-scans = Scans of documents
counter-receive = Receive application
counter-reattach = The files you chose were not saved. Choose them again.
counter-find = Find an applicant who filed before
counter-find-hint = Personal ID number (12 digits) or tax code; the details from their latest dossier at your agency are filled in for you to check.
counter-find-button = Find
counter-found = Applicant details filled in from dossier { $code }. Check them against the ID document.
counter-not-found = No dossier with this ID number at your agency yet; please enter the applicant's details.
counter-find-invalid = A personal ID number has 12 digits (or enter a valid tax code).
assisted-title = Apply online for a citizen

approvals-waiting = Applications awaiting approval
approvals-none = No applications are awaiting approval.
approvals-reason = Reason (when sending back to the officer)
approvals-approve = Approve selected applications
approvals-send-back = Send back to the officer
figures-title = Results for { $month }
figures-total = Total
figures-rate = On time or early

admin-agencies = Agencies
admin-units = Departments
admin-officers = Officers and roles
admin-procedures = Administrative procedures and their versions
admin-holidays = Public holidays, days off in lieu and make-up working days
audit-title = Audit log
audit-intro = Who did what, looked at which data, when and from where; newest first. Searching a dossier code also finds its files and papers. Each search is recorded too.
audit-actor = Actor
audit-target = Target (dossier code…)
audit-action = Action
audit-when = When
audit-from = Address
audit-search = Search
audit-none = No matching entries.
audit-older = Older entries
admin-code = Code
admin-name = Name
admin-admin-unit = Administrative unit
admin-parent = Parent agency
admin-agency = Agency
admin-unit = Department
admin-username = Username
admin-roles = Roles
admin-role = Role
admin-password = Password
admin-password-hint = At least 8 characters. Leave blank to keep the current password.
admin-versions = Versions (in force from)
admin-save = Save
admin-agency-add = Add or change an agency
admin-agency-code-hint = Electronic identifier code, for example H79.50.03
admin-agency-code-format = An agency code can only contain capital letters, digits and full stops.
admin-unit-add = Add or change a department
admin-officer-add = Add an officer or a role
admin-officer-hint = If the username already exists, the role is added to that officer.
admin-required = Enter { $field }
admin-unknown-agency = This agency does not exist.
admin-unit-not-in-agency = This department does not belong to the chosen agency.
admin-password-short = The password must have at least { $n } characters.
admin-password-username = The password must not contain the username.
admin-password-common = That password is too common and easy to guess; please choose another.
admin-catalog-file = Procedure catalogue file
admin-catalog-hint = YAML or JSON, in the format used by the motcua import catalog command.
admin-catalog-import = Import catalogue
admin-catalog-missing = Choose a catalogue file.

holidays-title = Days off and make-up working days in { $year }
holidays-year = Year
holidays-show = Show
holidays-date = Date
holidays-kind = Type
holidays-reason = Reason
holidays-unconfirmed = not confirmed
holidays-change = Change a day
holiday-off = Day off
holiday-work = Working day
kind-holiday = Public holiday or Tết
kind-compensatory = Day off in lieu
kind-swap-off = Swapped day off
kind-makeup-workday = Make-up working day
kind-normal = As usual (remove the change)
holidays-culture-title = Vietnamese Culture Day (24 November)
holidays-culture-lead = No amendment to the Labour Code has been passed yet. Only confirm this day once the amendment has been passed.
holidays-culture-confirm = Confirm 24 November as a day off

flash-saved = Saved.
flash-catalog-imported = Procedure catalogue imported.
flash-holiday-saved = Day off change saved. Application deadlines have been recalculated with the new calendar.
flash-received = Application received.
flash-received-file-failed = Application received, but some files could not be saved. Attach them again on the application page.
flash-uploaded = File attached.
flash-supplemented = Your additions have been sent.
flash-rated = Thank you for your rating.
flash-withdrawn = Application withdrawn.
flash-receive = Application received.
flash-request-supplement = Supplement request sent.
flash-supplement = Supplement recorded.
flash-refuse = Application refused.
flash-assign = Assigned.
flash-process = Moved to processing.
flash-consult = Request for an opinion sent.
flash-consult-reply = Reply recorded.
flash-transfer = Transferred to another agency.
flash-submit-for-approval = Submitted for approval.
flash-approve = Approved.
flash-send-back = Sent back to the officer.
flash-issue-result = Result issued.
flash-return-result = Result returned.
flash-withdraw = Application withdrawn.
flash-pause = Paused.
flash-resume = Processing resumed.
flash-extend = Deadline extended and letter of apology sent.
flash-stop = Processing stopped.

## Time limits
limit-immediately = the same day
limit-working-hours = { $n ->
    [one] { $n } working hour
   *[other] { $n } working hours
}
limit-working-days = { $n ->
    [one] { $n } working day
   *[other] { $n } working days
}
limit-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
limit-months = { $n ->
    [one] { $n } month
   *[other] { $n } months
}

## Papers (PDF)
dossier-papers = Papers to print
paper-receipt = Receipt and appointment slip (form 01)
paper-supplement-request = Request to complete the application (form 02)
paper-refusal = Refusal to accept the application (form 03)
paper-apology = Apology with a new return date (form 04)
paper-stop-notice = Notice that handling stops (form 05)
paper-control-slip = Process control slip (form 06)
desk-register = Register
register-title = Application register
register-intro = The agency's application register (form 07) for a period, in order of receipt, to print or open in Excel.
register-agency = Agency
register-from = From
register-to = To
register-format = Format
register-get = Download
paper-pdf = (PDF)
register-format-pdf = PDF to print
register-format-xlsx = Excel (.xlsx)

# Account and security
account-title = Account and security
account-totp = Two-step verification
account-totp-on = On: every login also needs the 6-digit code from the authenticator app.
account-totp-off = Turn off two-step verification
account-totp-why = When on, logging in needs your password and a 6-digit code from an authenticator app on your phone, so a leaked password alone is not enough.
account-totp-start = Turn on two-step verification
account-totp-scan = Open an authenticator app (Google Authenticator, Microsoft Authenticator…) and scan the QR code below.
account-totp-type = Type the 6-digit code the app shows to confirm.
account-totp-qr = QR code to add the account to an authenticator app
account-totp-secret = Cannot scan? Type the key:
account-totp-confirm = Confirm and turn on
account-tokens = Access tokens for integrated software
account-tokens-why = An access token lets other software call the API as this account, only within the chosen scopes and until it expires.
account-token-once = New access token — copy it now, it is shown only once:
account-token-name = Name (which software uses it)
account-token-scopes = Scopes
account-token-expires = Expires
account-token-state = State
account-token-revoke = Revoke
account-token-new = Make a new access token
account-token-days = Life (days, at most 365)
account-token-create = Make token
account-token-active = Active
account-token-expired = Expired
account-token-revoked = Revoked
flash-totp-on = Two-step verification is on.
flash-totp-off = Two-step verification is off.
flash-token-revoked = The access token was revoked.
nav-account = Account

process-heading = How the dossier is handled
process-valid-from = In force from { $date }
process-total = { $total } of working time in all
process-diagram-alt = Diagram of the handling process; the steps are listed in the table below
process-steps = Handling steps
process-step = Step
process-who = Who
process-time = Time
process-download-yaml = Download the process (YAML)
process-download-json = Download the process (JSON)
process-edit = Edit the process
steps-heading = Progress through the internal process
steps-state = State
steps-due = Step due
steps-ended = Done at
steps-verdict = Verdict
steps-agencies = Time per agency
steps-agency = Agency
steps-planned = Time allotted
steps-used = Time used
steps-agency-on-time = On time
steps-agency-late = Late by { $late }
steps-see-process = See the process diagram
process-none = None
process-editor-limit = The procedure's time limit: { $limit }. The steps' times along the longest path must add up to it.
process-editor-invalid = The process was not saved because:
process-editor-table = Steps
process-editor-hint = One step per row. "After" lists the IDs of the steps that must end first (comma-separated); steps after the same step run in parallel. Times read like 4h, 2d, 30m. A unit starting with a dot (e.g. .TP) is that unit of the acting agency. Blank rows are ignored.
process-editor-valid-from = Applies to dossiers received from
process-editor-id = Step ID
process-editor-kind = Kind
process-editor-unit = Unit
process-editor-role = Role
process-editor-after = After
process-editor-assign = Assignment
process-editor-officer = Named officer
process-editor-outcomes = Allowed actions
process-editor-receiving = Receiving agency
process-editor-handling = Handling agency
process-editor-save = Save a new version
process-editor-import = Import from YAML or JSON
process-editor-yaml = The process (YAML or JSON)
process-editor-save-yaml = Check and save
process-editor-versions = Saved versions
process-diagram-region = Process diagram (scroll sideways to see it all)

# Payments
pay-title = Fee payment
pay-heading = Fees of dossier { $code }
pay-none = This dossier has no fees to pay.
pay-status = Status
pay-amount = Amount
pay-paid = Received
pay-account = Receiving account
pay-reference = Payment reference
pay-note = Transfer note
pay-receipt-no = Receipt number
pay-lines = Items due
pay-line-name = Item
pay-line-count = Counted as
pay-qr = Scan the VietQR code with a banking app: amount, account and note are filled in.
pay-online = Pay online with
pay-counter = Record a payment at the counter
pay-method = Method
pay-method-pos = Card (POS)
pay-method-transfer = Bank transfer
pay-method-cash = Cash
pay-slip = POS approval number or bank transaction reference
pay-record = Record
pay-receipt-pdf = Download the e-receipt (PDF)
pay-charge-title = Charge fees
pay-charge-submit = Charge and create payment orders
pay-recorded = Payment recorded.
pay-charged = Payment orders created.
pay-return-title = Payment result
pay-return-paid = Payment received. The e-receipt has been issued.
pay-return-pending = Waiting for the gateway to confirm the transaction. This page updates once it does.
pay-return-failed = The payment did not go through; the fee is still due.
pay-return-invalid = The gateway's answer could not be verified.
pay-return-reload = Reload
pay-return-back = See the dossier's fees
takings-title = Fees collected and reconciliation
takings-from = From
takings-to = To
takings-show = Show
takings-received = Received per account
takings-agency = Agency
takings-count = Transactions
takings-cashless = Cashless rate
takings-paid = Orders paid
takings-cashless-count = Without cash
takings-rate = Rate
takings-unpaid = Unpaid ({ $amount } đồng outstanding)
takings-reconcile = Statement reconciliation
takings-source = Source
takings-source-bank = Bank or treasury statement
takings-file = Statement file (CSV)
takings-file-hint = Columns: date, account, bank_ref, amount, description (see the README)
takings-import = Import and reconcile
takings-report = Reconciliation by account and day
takings-day = Day
takings-matched = Matched
takings-mismatched = Mismatched
takings-unmatched = Unmatched
takings-exceptions = Transactions to handle
takings-why = Reason
takings-xlsx = Download the reconciliation (Excel)
takings-imported = Imported { $added } new lines; credited { $credited } orders.
nav-takings = Fees
