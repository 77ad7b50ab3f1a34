#!/usr/bin/env python3
"""Writes crates/web/openapi.json, the OpenAPI 3.1 description of the Một Cửa API.

The document is kept by hand in this script (one place, readable); a test in
crates/web checks that every route of the router is described and vice versa.
Run: python3 tools/openapi.py
"""
import json, pathlib

def ref(name): return {"$ref": f"#/components/schemas/{name}"}
def arr(x): return {"type": "array", "items": x}
S = {"type": "string"}
DT = {"type": "string", "format": "date-time", "description": "Vietnam local time with offset, e.g. 2026-10-08T10:00:00+07:00"}
D = {"type": "string", "format": "date"}
def opt(x): return {"anyOf": [x, {"type": "null"}]}

def err(desc): return {"description": desc, "content": {"application/json": {"schema": ref("Error")}}}
def ok(desc, schema): return {"description": desc, "content": {"application/json": {"schema": schema}}}
AUTH = [{"bearer": []}]
CODE = {"name": "code", "in": "path", "required": True, "schema": S, "description": "Dossier code, e.g. H79.50.01-261008-0001"}

statuses = ["submitted","received","supplement_requested","supplemented","refused","assigned","in_process","consulting","transferred","awaiting_approval","approved","result_ready","returned","withdrawn","paused","stopped"]
actions = ["receive","request-supplement","supplement","refuse","assign","process","consult","consult-reply","transfer","submit-for-approval","approve","send-back","issue-result","return-result","withdraw","pause","resume","extend","stop"]

schemas = {
 "ProcessStepDefinition": {"type": "object", "required": ["id", "name", "kind", "share"], "properties": {
   "id": S, "name": S, "kind": {"enum": ["receive", "process", "consult", "transfer", "submit_for_approval", "approve", "return"]},
   "agency": {"type": "string", "description": "receiving, handling (default) or an agency code"},
   "unit": {"type": "string", "description": "Unit code; `.TP` (leading dot) is that unit of the acting agency"},
   "role": {"enum": ["receiving_officer", "specialist", "unit_leader", "agency_leader"]},
   "share": {"type": "string", "description": "Working time: 4h, 2d, 30m, 1.5d"},
   "after": arr(S), "assign": {"enum": ["unit", "least_loaded", "round_robin"]}, "officer": S,
   "outcomes": {"type": "array", "items": S, "description": "Actions allowed while the step is current (default: the kind's usual ones)"}}},
 "ProcessDefinition": {"type": "object", "required": ["procedure", "valid_from", "steps"], "properties": {
   "procedure": S, "valid_from": {"type": "string", "format": "date"}, "steps": arr(ref("ProcessStepDefinition"))}},
 "Process": {"type": "object", "properties": {
   "id": {"type": "integer"}, "procedure": S, "valid_from": {"type": "string", "format": "date"}, "saved_at": {"type": "string", "format": "date-time"}, "saved_by": S,
   "total_minutes": {"type": "integer"}, "total_label": S,
   "steps": arr({"allOf": [ref("ProcessStepDefinition"), {"type": "object", "properties": {"kind_label": S, "lane": S, "role_label": S, "minutes": {"type": "integer"}, "share_label": S, "assign_label": S}}]})}},
 "DossierSteps": {"type": "object", "properties": {
   "process_id": {"type": "integer"}, "valid_from": {"type": "string", "format": "date"}, "current": arr(S),
   "steps": arr({"type": "object", "properties": {"id": S, "name": S, "kind": S, "agency": S, "unit": opt(S), "role": opt(S), "share_minutes": {"type": "integer"},
     "state": {"enum": ["waiting", "active", "done", "skipped"]}, "started_at": opt(S), "due_at": opt(S), "ended_at": opt(S), "officer": opt(S), "handed_by": opt(S),
     "used_minutes": {"type": "integer"}, "late_minutes": {"type": "integer"}, "timeliness": opt({"enum": ["early", "on_time", "late"]})}}),
   "agencies": arr({"type": "object", "properties": {"agency": S, "planned_minutes": {"type": "integer"}, "used_minutes": {"type": "integer"}, "steps": {"type": "integer"}, "late_steps": {"type": "integer"}, "late_minutes": {"type": "integer"}, "on_time": {"type": "boolean"}}})}},
 "Charge": {"type": "object", "properties": {"line": S, "name": S, "kind": {"enum": ["charge", "fee"], "description": "phí or lệ phí"}, "agency": S, "quantity": opt(S), "gross": {"type": "integer"}, "amount": {"type": "integer"}, "legal_basis": opt(S),
   "exemption": opt({"type": "object", "properties": {"id": S, "name": S, "percent": {"type": "integer"}, "legal_basis": S, "approved_by": S}})}},
 "PaymentOrder": {"type": "object", "required": ["reference", "amount", "account", "status"], "properties": {
   "reference": {"type": "string", "description": "MC + order number + 2 check digits (ISO 7064 MOD 97-10); the transfer note must carry it"},
   "dossier_code": S, "agency": S, "agency_name": S, "account": opt(S), "account_holder": opt(S), "bank_bin": opt(S), "bank_name": opt(S), "account_kind": opt(S),
   "amount": {"type": "integer", "description": "Due, whole đồng"}, "amount_paid": {"type": "integer"}, "amount_refunded": {"type": "integer"}, "balance": {"type": "integer"},
   "status": {"enum": ["pending", "partially_paid", "paid", "exempt", "expired", "cancelled", "under_review", "refunded", "partially_refunded"]}, "status_label": S,
   "lines": arr(ref("Charge")), "vietqr": opt({"type": "string", "description": "EMVCo/NAPAS VietQR payload paying the balance into the account, the purpose field = reference + dossier code"}),
   "purpose": S, "created_at": DT, "expires_at": DT, "paid_at": opt(DT), "receipt_no": opt({"type": "string", "description": "E-receipt number, per agency and year: {agency}-{year}-{n}"})}},
 "PaymentOrders": {"type": "object", "properties": {"items": arr(ref("PaymentOrder")), "balance": {"type": "integer"}}},
 "FeeBook": {"type": "object", "description": "Collection accounts and fee schedules, dated (see crates/cli/demo/fees.yaml)", "properties": {
   "accounts": arr({"type": "object", "required": ["agency", "kind", "bin", "number", "holder", "valid_from"], "properties": {"agency": S, "kind": {"enum": ["treasury", "bank"]}, "bin": S, "number": S, "holder": S, "awaiting_budget": {"type": "boolean"}, "valid_from": D}}),
   "schedules": arr({"type": "object", "required": ["procedure", "valid_from", "lines"], "properties": {"procedure": S, "valid_from": D,
     "lines": arr({"type": "object", "required": ["id", "name", "rate", "payee"], "properties": {"id": S, "name": S, "kind": {"enum": ["charge", "fee"]}, "payee": {"type": "string", "description": "receiving, handling or an agency code"}, "channels": arr(S), "legal_basis": opt(S),
       "rate": {"type": "object", "description": "{type: fixed, amount} | {type: per_unit, unit, bands: [{from, amount}], cap?, per?} | {type: variable, min, max}"}}}),
     "exemptions": arr({"type": "object", "properties": {"id": S, "name": S, "lines": arr(S), "percent": {"type": "integer"}, "legal_basis": S}})}})}},
 "Reconciliation": {"type": "object", "description": "Statement lines matched to orders per account and day: totals.matched / mismatched / unmatched / ignored {count, sum_vnd}; accounts[].days[].lines[] with result {result: matched|mismatched|unmatched|ignored, order_id?, reason?}; missing_from_statement[]"},
 "Error": {"type": "object", "required": ["code","message","message_en"], "properties": {
   "code": {"type": "string", "description": "Stable snake_case code"},
   "message": {"type": "string", "description": "Vietnamese message"},
   "message_en": S, "field": opt(S),
   "errors": arr({"type": "object", "properties": {"field": S, "message": S, "message_en": S}})}},
 "LoginRequest": {"type": "object", "required": ["username","password"], "properties": {"username": S, "password": S, "otp": {"type": "string", "description": "6-digit code, for officers who turned on two-step verification (otp_required asks for it)"}}},
 "Code": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string", "description": "6-digit code from the authenticator app"}}},
 "Account": {"type": "object", "properties": {"username": S, "full_name": S, "kind": {"enum": ["officer","citizen"]},
   "roles": arr({"type": "object", "properties": {"role": {"enum": ["receiving_officer","specialist","unit_leader","agency_leader","admin"]}, "agency": S, "unit": opt(S)}})}},
 "LoginResponse": {"type": "object", "required": ["token","expires_at","account"], "properties": {"token": S, "expires_at": DT, "account": ref("Account")}},
 "TimeLimit": {"type": "object", "required": ["unit"], "properties": {"unit": {"enum": ["immediately","working_hours","working_days","days","months"]}, "value": {"type": "integer"}}},
 "ProcedureSummary": {"type": "object", "properties": {"code": S, "name": S, "sector": S, "level": {"enum": ["commune","province","central"]}, "time_limit": ref("TimeLimit"), "time_limit_label": S, "online_mode": {"enum": ["full","partial","none"]}}},
 "ProcedureList": {"type": "object", "properties": {"items": arr(ref("ProcedureSummary")), "total": {"type": "integer"}}},
 "Procedure": {"type": "object", "description": "The version in force today", "properties": {"code": S, "name": S, "sector": S, "level": S, "valid_from": D, "time_limit": ref("TimeLimit"), "time_limit_label": S, "cutoff": opt(S), "online_mode": S, "channels": arr({"enum": ["counter","online","post","assisted"]}), "fees": arr({"type": "object", "properties": {"name": S, "amount_vnd": {"type": "integer"}, "channel": opt(S), "note": opt(S)}}), "required_documents": arr({"type": "object", "properties": {"name": S, "quantity": {"type": "integer"}, "form": S, "mandatory": {"type": "boolean"}}}), "form": {"type": "object", "description": "JSON-Schema subset of the declaration form"}, "result": S, "legal_basis": arr(S), "handling_agency": opt(S), "versions": arr(D)}},
 "Applicant": {"type": "object", "required": ["name"], "properties": {"kind": {"enum": ["citizen","organisation"]}, "name": S, "id_number": opt(S), "address": opt(S), "phone": opt(S), "email": opt(S)}},
 "SubmitRequest": {"type": "object", "required": ["procedure","applicant"], "properties": {
   "procedure": {"type": "string", "description": "Procedure code"},
   "agency": opt(S), "channel": {"enum": ["counter","online","post","assisted"], "description": "Default: online for citizens, counter for officers"},
   "applicant": ref("Applicant"), "form_data": {"type": "object"}, "owner": opt(S),
   "documents": arr({"type": "object", "properties": {"name": S, "quantity": {"type": "integer"}, "original": {"type": "boolean"}}}), "note": opt(S),
   "consent": {"type": "object", "description": "Required with channel `assisted`: how the applicant agreed to the helper acting for them (signed_form needs `reference`), what besides filing it covers, for how many days (default 60, at most 180). The applicant's identity number is recorded with it.", "required": ["method"], "properties": {"method": {"enum": ["signed_form","in_person"]}, "scopes": arr({"enum": ["supplement","withdraw","rate"]}), "days": {"type": "integer", "minimum": 1, "maximum": 180}, "reference": S}}}},
 "Deadline": {"type": "object", "properties": {"legal_due": DT, "appointment": DT, "remaining_working_days": {"type": "integer"}, "remaining_working_minutes": {"type": "integer"}, "overdue": {"type": "boolean"}, "paused": {"type": "boolean"}, "timeliness": opt({"enum": ["early","on_time","late"]}), "timeliness_label": opt(S), "appointment_kept": opt({"type": "boolean"})}},
 "Event": {"type": "object", "properties": {"seq": {"type": "integer"}, "at": DT, "actor": S, "action": S, "action_label": S, "from": opt(S), "to": S, "to_label": S, "data": {"type": "object"}}},
 "Attachment": {"type": "object", "properties": {"id": S, "dossier_code": opt(S), "kind": {"enum": ["submission","supplement","result"]}, "name": S, "content_type": S, "size": {"type": "integer"}, "sha256": S, "uploaded_by": S, "uploaded_at": DT}},
 "Dossier": {"type": "object", "required": ["code","status","received_at","due_at"], "properties": {
   "code": S, "procedure_code": S, "procedure_name": S, "procedure_version": D, "time_limit": ref("TimeLimit"),
   "status": {"enum": statuses}, "status_label": S, "portal_status": {"type": "integer", "minimum": 1, "maximum": 10, "description": "TrangThaiHoSo of the national portal"},
   "channel": S, "receiving_agency": S, "handling_agency": S, "handling_unit": opt(S), "assignee": opt(S),
   "applicant": ref("Applicant"), "owner": opt(S), "created_by": S, "helper": opt(S), "consent": opt({"type": "object", "description": "The applicant's consent to the helper (assisted filing)", "properties": {"method": {"enum": ["signed_form","in_person"]}, "scopes": arr({"enum": ["supplement","withdraw","rate"]}), "id_number": S, "given_at": DT, "valid_until": D, "reference": opt(S)}}), "form_data": {"type": "object"},
   "submitted_at": DT, "received_at": opt(DT), "completed_at": opt(DT), "returned_at": opt(DT), "due_at": opt(DT),
   "extended": {"type": "boolean"}, "deadline": opt(ref("Deadline")), "rating": opt({"type": "object"}), "version": {"type": "integer"},
   "history": arr(ref("Event")), "attachments": arr(ref("Attachment"))}},
 "DossierSummary": {"type": "object", "properties": {"code": S, "procedure_code": S, "procedure_name": opt(S), "status": S, "status_label": S, "channel": S, "receiving_agency": S, "handling_agency": S, "handling_unit": opt(S), "assignee": opt(S), "applicant_name": S, "submitted_at": DT, "received_at": opt(DT), "due_at": opt(DT), "extended": {"type": "boolean"}}},
 "DossierList": {"type": "object", "properties": {"items": arr(ref("DossierSummary")), "total": {"type": "integer", "description": "exact up to 10000; above that total_capped is true"}, "total_capped": {"type": "boolean"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}}},
 "Lookup": {"type": "object", "description": "Public: no personal data", "properties": {"code": S, "procedure_code": S, "procedure_name": S, "status": S, "status_label": S, "received_at": opt(DT), "due_at": opt(DT), "returned_at": opt(DT), "extended": {"type": "boolean"}, "applicant": {"type": "string", "description": "Masked: family name and initials, e.g. Nguyễn V. A."}, "phone": opt({"type": "string", "description": "Masked to the last three digits, e.g. *******678"}), "steps": arr({"type": "object", "properties": {"at": DT, "status": S, "status_label": S}})}},
 "NewToken": {"type": "object", "required": ["name","scopes"], "properties": {"name": S, "scopes": arr({"enum": ["dossiers:read","dossiers:write","applicants:read","audit:read"]}), "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 365, "default": 90}}},
 "Token": {"type": "object", "properties": {"id": S, "name": S, "scopes": arr(S), "created_at": DT, "expires_at": DT, "revoked_at": opt(DT), "last_used_at": opt(DT)}},
 "Rating": {"type": "object", "required": ["level"], "properties": {"level": {"enum": ["very_satisfied","satisfied","dissatisfied"]}, "comment": opt(S)}},
}

common = {"400": err("Malformed request (invalid_json, invalid_query)"), "401": err("Not logged in (unauthenticated, session_invalid)"), "422": err("Invalid input (field_required, field_invalid, form_invalid…)")}
paths = {
 "/healthz": {"get": {"summary": "Health", "operationId": "healthz", "responses": {"200": {"description": "ok", "content": {"text/plain": {"schema": S}}}, "503": {"description": "database unavailable"}}}},
 "/metrics": {"get": {"summary": "Prometheus metrics", "operationId": "metrics", "responses": {"200": {"description": "Prometheus text format", "content": {"text/plain": {"schema": S}}}}}},
 "/api/openapi.json": {"get": {"summary": "This document", "operationId": "openapi", "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
 "/api/v1/auth/login": {"post": {"summary": "Log in with a local account", "operationId": "login", "tags": ["auth"],
   "requestBody": {"required": True, "content": {"application/json": {"schema": ref("LoginRequest")}}},
   "responses": {"200": ok("Session opened; send `Authorization: Bearer <token>`", ref("LoginResponse")), "401": err("invalid_credentials; otp_required (password right, send `otp`); otp_invalid"), "400": common["400"], "429": err("too_many_attempts: 5 failures for the account or 30 from the address within 15 minutes; the message says how long to wait")}}},
 "/api/v1/auth/logout": {"post": {"summary": "End this session", "operationId": "logout", "tags": ["auth"], "security": AUTH, "responses": {"204": {"description": "Ended"}, "401": common["401"]}}},
 "/api/v1/auth/logout-all": {"post": {"summary": "End every session of the account (a shared PC, a lost phone); audited", "operationId": "logoutAll", "tags": ["auth"], "security": AUTH, "responses": {"200": ok("How many sessions were closed", {"type": "object", "properties": {"sessions_closed": {"type": "integer"}}}), "401": common["401"]}}},
 "/api/v1/me": {"get": {"summary": "The logged-in account", "operationId": "me", "tags": ["auth"], "security": AUTH, "responses": {"200": ok("Account", ref("Account")), "401": common["401"]}}},
 "/api/v1/me/export": {"get": {"summary": "A citizen's own data as a zip: account, every dossier they filed with its history, every attached file; the export is audited", "operationId": "exportMyData", "tags": ["auth"], "security": AUTH,
   "responses": {"200": {"description": "The archive", "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}, "401": common["401"], "403": err("forbidden: officers have no dossiers of their own"), "413": err("export_too_large")}}},
 "/api/v1/me/totp": {"post": {"summary": "Start two-step verification (officers): a new secret and its otpauth:// address for an authenticator app; not asked at login until confirmed", "operationId": "startTotp", "tags": ["auth"], "security": AUTH,
   "responses": {"200": ok("The secret", {"type": "object", "properties": {"secret": {"type": "string", "description": "base32"}, "otpauth_uri": S}}), "401": common["401"], "403": err("forbidden (citizens)"), "409": err("totp_already_enabled")}}},
 "/api/v1/me/totp/confirm": {"post": {"summary": "Confirm two-step verification with a first code; audited", "operationId": "confirmTotp", "tags": ["auth"], "security": AUTH,
   "requestBody": {"required": True, "content": {"application/json": {"schema": ref("Code")}}}, "responses": {"204": {"description": "On"}, "401": err("otp_invalid"), "409": err("totp_not_started")}}},
 "/api/v1/me/totp/disable": {"post": {"summary": "Turn two-step verification off, with a current code; audited", "operationId": "disableTotp", "tags": ["auth"], "security": AUTH,
   "requestBody": {"required": True, "content": {"application/json": {"schema": ref("Code")}}}, "responses": {"204": {"description": "Off"}, "401": err("otp_invalid"), "409": err("totp_not_started")}}},
 "/api/v1/tokens": {
   "post": {"summary": "Make an API token for an integration (officer accounts). The token text `mct_<id>_<secret>` is in this answer only; send it as `Authorization: Bearer`. A token acts as its account, narrowed to its scopes; it cannot mint tokens, end sessions or export personal data (token_not_allowed); a route outside its scopes answers token_scope_missing; expired or revoked tokens answer token_invalid. Audited.", "operationId": "createToken", "tags": ["auth"], "security": AUTH,
     "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewToken")}}},
     "responses": {"201": ok("The token, shown once", {"allOf": [ref("Token"), {"type": "object", "properties": {"token": S}}]}), "401": common["401"], "403": err("forbidden (citizens), token_not_allowed"), "422": common["422"]}},
   "get": {"summary": "The account's tokens (never their secrets)", "operationId": "listTokens", "tags": ["auth"], "security": AUTH, "responses": {"200": ok("Tokens, newest first", arr(ref("Token"))), "401": common["401"]}}},
 "/api/v1/tokens/{id}": {"delete": {"summary": "Revoke one of the account's tokens; audited", "operationId": "revokeToken", "tags": ["auth"], "security": AUTH,
   "parameters": [{"name": "id", "in": "path", "required": True, "schema": S}], "responses": {"204": {"description": "Revoked"}, "401": common["401"], "404": err("token_not_found")}}},
 "/api/v1/procedures": {"get": {"summary": "Search procedures (accent- and case-insensitive)", "operationId": "searchProcedures", "tags": ["catalog"],
   "parameters": [{"name": "q", "in": "query", "schema": S, "description": "e.g. `khai sinh`, `đăng ký khai sinh`"}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}],
   "responses": {"200": ok("Matches, best first", ref("ProcedureList")), "400": common["400"]}}},
 "/api/v1/procedures/{code}": {"get": {"summary": "A procedure's rules in force today", "operationId": "getProcedure", "tags": ["catalog"],
   "parameters": [{"name": "code", "in": "path", "required": True, "schema": S}], "responses": {"200": ok("Procedure", ref("Procedure")), "404": err("procedure_not_found")}}},
 "/api/v1/procedures/{code}/process": {
   "get": {"summary": "The procedure's internal process (quy trình nội bộ) in force: steps with kind, acting agency, unit, role, share of the time limit, predecessors, assignment rule and allowed actions", "operationId": "getProcess", "tags": ["processes"],
     "parameters": [{"name": "code", "in": "path", "required": True, "schema": S}, {"name": "at", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "The version in force that day (default today)"}, {"name": "format", "in": "query", "schema": {"enum": ["yaml", "json"]}, "description": "The definition itself as a file, for editing and importing elsewhere"}],
     "responses": {"200": ok("The process", ref("Process")), "400": common["400"], "404": err("procedure_not_found, process_not_found")}},
   "post": {"summary": "Save a new version (administrators): YAML, or JSON with content-type application/json. Checked against the procedure's time limit (shares along the longest path add up to it) and the organisation; refused with every problem named by its step (`errors[].field` = `steps.<id>`). Dossiers already received keep the version they were received under; audited.", "operationId": "saveProcess", "tags": ["processes"], "security": AUTH,
     "parameters": [{"name": "code", "in": "path", "required": True, "schema": S}],
     "requestBody": {"required": True, "content": {"application/yaml": {"schema": ref("ProcessDefinition")}, "application/json": {"schema": ref("ProcessDefinition")}}},
     "responses": {"201": ok("Saved", ref("Process")), "400": err("process_unreadable"), "401": common["401"], "403": err("forbidden: administrators only"), "422": err("process_invalid (errors name each step: process_cycle, process_step_without_role, process_unknown_unit, process_unknown_agency, process_shares_mismatch, …), process_procedure_mismatch")}}},
 "/api/v1/procedures/{code}/process.svg": {"get": {"summary": "The process drawn server-side: swimlanes per unit or agency, steps in columns, shares written in; `view=citizen` for the simple one without lanes and roles", "operationId": "getProcessDiagram", "tags": ["processes"],
   "parameters": [{"name": "code", "in": "path", "required": True, "schema": S}, {"name": "at", "in": "query", "schema": {"type": "string", "format": "date"}}, {"name": "view", "in": "query", "schema": {"enum": ["officer", "citizen"]}}],
   "responses": {"200": {"description": "SVG", "content": {"image/svg+xml": {"schema": {"type": "string"}}}}, "400": common["400"], "404": err("procedure_not_found, process_not_found")}}},
 "/api/v1/dossiers/{code}/steps": {"get": {"summary": "Where the dossier stands in its process: each step's state, acting agency, unit and officer, start, due time and end, lateness; and each agency's share (planned, used, late) so that an inter-level dossier's delay counts against the agency that caused it", "operationId": "getDossierSteps", "tags": ["processes"], "security": AUTH, "parameters": [CODE],
   "responses": {"200": ok("The walk", ref("DossierSteps")), "401": common["401"], "404": err("dossier_not_found, process_not_found (received before any process)")}}},
 "/api/v1/dossiers": {
   "post": {"summary": "File a dossier (online, at the counter, or assisted)", "operationId": "createDossier", "tags": ["dossiers"], "security": AUTH,
     "requestBody": {"required": True, "content": {"application/json": {"schema": ref("SubmitRequest")}}},
     "responses": {"201": ok("Acknowledged only after it is on disk", ref("Dossier")), **common, "403": err("forbidden, channel not allowed"), "404": err("procedure_not_found"), "503": err("storage_unavailable: nothing was recorded")}},
   "get": {"summary": "The queue: dossiers of the officer's agencies, or the citizen's own; open ones first, most urgent first", "operationId": "listDossiers", "tags": ["dossiers"], "security": AUTH,
     "parameters": [{"name": n, "in": "query", "schema": sch} for n, sch in [("status", {"enum": statuses}), ("agency", S), ("due_before", {"type": "string", "description": "YYYY-MM-DD (start of that day, Vietnam time) or RFC 3339"}), ("procedure", S), ("channel", {"enum": ["counter","online","post","assisted"]}), ("assignee", S), ("open", {"type": "boolean", "description": "true: only dossiers still open"}), ("page", {"type": "integer", "minimum": 1}), ("per_page", {"type": "integer", "minimum": 1, "maximum": 200})]],
     "responses": {"200": ok("A page", ref("DossierList")), **common}}},
 "/api/v1/dossiers/{code}": {"get": {"summary": "A dossier with its history, deadline and attachments", "operationId": "getDossier", "tags": ["dossiers"], "security": AUTH, "parameters": [CODE],
   "responses": {"200": ok("Dossier", ref("Dossier")), "401": common["401"], "404": err("dossier_not_found (also for dossiers the caller may not see)"), "422": err("dossier_code_invalid")}}},
 "/api/v1/dossiers/{code}/actions/{action}": {"post": {"summary": "Act on a dossier", "operationId": "actOnDossier", "tags": ["dossiers"], "security": AUTH,
   "description": "Bodies: receive {documents?, note?}; request-supplement {items[], reason}; supplement {note?, form_data?}; refuse {reason}; assign {unit?, assignee?, note?}; process {note?}; consult {target, question, answer_by?}; consult-reply {answer}; transfer {agency, reason?}; submit-for-approval {note?}; approve {note?}; send-back {reason}; issue-result {result_number?, note?}; return-result {method: counter|post|online, note?}; withdraw {reason}; pause {reason, kind: fee_payment|other}; resume {note?}; extend {new_due: YYYY-MM-DD, reason, apology?}; stop {reason}.",
   "parameters": [CODE, {"name": "action", "in": "path", "required": True, "schema": {"enum": actions}}],
   "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}},
   "responses": {"200": ok("The dossier after the action", ref("Dossier")), **common, "403": err("forbidden: role or agency"), "404": err("dossier_not_found, action_unknown"), "409": err("transition_not_allowed, concurrent_change, apology_required, extension_already_used…")}}},
 "/api/v1/dossiers/{code}/rating": {"post": {"summary": "The applicant rates the service after return", "operationId": "rateDossier", "tags": ["dossiers"], "security": AUTH, "parameters": [CODE],
   "requestBody": {"required": True, "content": {"application/json": {"schema": ref("Rating")}}},
   "responses": {"200": ok("Rated", ref("Dossier")), **common, "403": err("forbidden"), "409": err("already_rated, transition_not_allowed")}}},
 "/api/v1/dossiers/{code}/attachments": {
   "post": {"summary": "Attach files (multipart: optional `kind`, then `file` fields)", "operationId": "uploadAttachments", "tags": ["attachments"], "security": AUTH, "parameters": [CODE],
     "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"kind": {"enum": ["submission","supplement","result"]}, "file": {"type": "string", "format": "binary"}}}}}},
     "responses": {"201": ok("Stored, with SHA-256", arr(ref("Attachment"))), **common, "409": err("dossier_closed"), "413": err("attachment_too_large"), "415": err("attachment_type_not_allowed, attachment_type_mismatch")}},
   "get": {"summary": "A dossier's attachments", "operationId": "listAttachments", "tags": ["attachments"], "security": AUTH, "parameters": [CODE], "responses": {"200": ok("Attachments", arr(ref("Attachment"))), "401": common["401"], "404": err("dossier_not_found")}}},
 "/api/v1/dossiers/{code}/attachments/{id}": {"get": {"summary": "Download an attachment", "operationId": "downloadAttachment", "tags": ["attachments"], "security": AUTH,
   "parameters": [CODE, {"name": "id", "in": "path", "required": True, "schema": S}],
   "responses": {"200": {"description": "The file; header x-content-sha256", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}, "401": common["401"], "404": err("attachment_not_found")}}},
 "/api/v1/dossiers/{code}/documents/{form}.pdf": {"get": {"summary": "A paper of the dossier as PDF (TT 03/2025 forms), dated the day of its step, with a QR code to the public lookup", "operationId": "dossierDocument", "tags": ["documents"], "security": AUTH,
   "parameters": [CODE, {"name": "form", "in": "path", "required": True, "schema": {"enum": ["receipt", "supplement-request", "refusal", "control-slip", "apology", "stop-notice"]}}],
   "responses": {"200": {"description": "The PDF (A4, fonts embedded)", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}, "401": common["401"], "404": err("dossier_not_found, unknown_form"), "409": err("form_not_applicable: the dossier has no such paper in its state (e.g. an apology for a dossier never extended)")}}},
 "/api/v1/agencies/{agency}/register": {"get": {"summary": "The agency's dossier register (form 07) for a period, in order of receipt", "operationId": "agencyRegister", "tags": ["documents"], "security": AUTH,
   "parameters": [{"name": "agency", "in": "path", "required": True, "schema": S}, {"name": "from", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}}, {"name": "to", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}}, {"name": "format", "in": "query", "schema": {"enum": ["pdf", "xlsx"]}}],
   "responses": {"200": {"description": "PDF (landscape A4) or Excel workbook", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}}, "401": common["401"], "403": err("forbidden: not an officer of the agency"), "404": err("agency_not_found"), "422": err("invalid_period, invalid_format")}}},
 "/api/v1/applicants/find": {"post": {"summary": "Counter reception: the details last recorded for an identity number on a dossier filed at one of the officer's receiving agencies (the number goes in the body, never in a URL)", "operationId": "findApplicant", "tags": ["dossiers"], "security": AUTH,
   "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["id_number"], "properties": {"id_number": {"type": "string", "description": "12-digit personal ID number or tax code; spaces ignored"}}}}}},
   "responses": {"200": ok("Found", {"type": "object", "properties": {"applicant": ref("Applicant"), "dossier": S}}), "400": err("invalid_json"), "401": common["401"], "403": err("forbidden: not a receiving officer"), "404": err("applicant_not_found"), "422": err("field_invalid: not an ID number or tax code")}}},
 "/api/v1/audit": {"get": {"summary": "Administrators: the audit log, newest first, by actor, target (a dossier code finds its files and papers), action, period; the search is recorded", "operationId": "searchAudit", "tags": ["audit"], "security": AUTH,
   "parameters": [{"name": n, "in": "query", "schema": S} for n in ["actor", "target", "action"]] + [{"name": "from", "in": "query", "schema": D}, {"name": "to", "in": "query", "schema": D}, {"name": "before", "in": "query", "schema": {"type": "integer"}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}],
   "responses": {"200": ok("Entries and the `before` of the next page", {"type": "object", "properties": {"items": arr({"type": "object", "properties": {"seq": {"type": "integer"}, "at": S, "actor": S, "action": S, "target": S, "ip": opt(S), "details": {"type": "object"}}}), "next_before": opt({"type": "integer"})}}), "401": common["401"], "403": err("forbidden: administrators only"), "422": err("invalid_period")}}},
 "/api/v1/dossiers/{code}/payments": {"get": {"summary": "The dossier's payment orders: one per receiving account, each with its amount, account, status and VietQR payload", "operationId": "listPayments", "tags": ["payments"], "security": AUTH, "parameters": [CODE],
   "responses": {"200": ok("Orders", ref("PaymentOrders")), "401": common["401"], "404": err("dossier_not_found")}}},
 "/api/v1/dossiers/{code}/fees": {"post": {"summary": "Charge what the receipt did not: counted quantities (pages, copies), an exemption, variable amounts; makes the orders", "operationId": "chargeFees", "tags": ["payments"], "security": AUTH, "parameters": [CODE],
   "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "properties": {"quantities": {"type": "object", "additionalProperties": {"type": "integer"}}, "exemption": S, "amounts": {"type": "object", "additionalProperties": {"type": "integer"}}}}}}},
   "responses": {"201": ok("The orders made", ref("PaymentOrders")), **common, "403": err("forbidden: receiving officer or leader of the receiving agency"), "409": err("fee_nothing_to_charge, fee_account_missing"), "422": err("fee_quantity_missing, fee_amount_out_of_range, fee_exemption_not_found")}}},
 "/api/v1/dossiers/{code}/payments/{reference}/checkout": {"post": {"summary": "The signed gateway address to pay an order's balance (VNPAY 2.1.0 or the national payment platform)", "operationId": "checkout", "tags": ["payments"], "security": AUTH, "parameters": [CODE, {"name": "reference", "in": "path", "required": True, "schema": S, "description": "Payment reference, e.g. MC0000421757"}],
   "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["gateway"], "properties": {"gateway": {"enum": ["vnpay", "paygov"]}}}}}},
   "responses": {"200": ok("Where to send the browser", {"type": "object", "properties": {"url": S, "gateway": S}}), **common, "404": err("payment_order_not_found, payment_gateway_not_found"), "409": err("payment_order_closed")}}},
 "/api/v1/dossiers/{code}/payments/{reference}/credits": {"post": {"summary": "A payment taken at the counter: POS (slip number required), transfer (bank reference required) or cash", "operationId": "recordPayment", "tags": ["payments"], "security": AUTH, "parameters": [CODE, {"name": "reference", "in": "path", "required": True, "schema": S, "description": "Payment reference, e.g. MC0000421757"}],
   "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["method", "amount"], "properties": {"method": {"enum": ["pos", "transfer", "cash"]}, "amount": {"type": "integer"}, "reference": S, "provider": S}}}}},
   "responses": {"200": ok("The order", ref("PaymentOrder")), **common, "403": err("forbidden: receiving officer or leader of the collecting agency"), "409": err("payment_order_closed, concurrent_change (the same slip twice)"), "422": err("payment_amount_invalid, field_required")}}},
 "/api/v1/dossiers/{code}/payments/{reference}/cancel": {"post": {"summary": "Cancel an order nothing was paid on", "operationId": "cancelPayment", "tags": ["payments"], "security": AUTH, "parameters": [CODE, {"name": "reference", "in": "path", "required": True, "schema": S, "description": "Payment reference, e.g. MC0000421757"}],
   "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object", "properties": {"reason": S}}}}},
   "responses": {"200": ok("The order", ref("PaymentOrder")), **common, "403": err("forbidden"), "409": err("payment_order_closed")}}},
 "/api/v1/dossiers/{code}/payments/{reference}/refund": {"post": {"summary": "Record a refund (agency leaders), never more than was paid", "operationId": "refundPayment", "tags": ["payments"], "security": AUTH, "parameters": [CODE, {"name": "reference", "in": "path", "required": True, "schema": S, "description": "Payment reference, e.g. MC0000421757"}],
   "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["amount", "reference"], "properties": {"amount": {"type": "integer"}, "reference": S, "reason": S}}}}},
   "responses": {"200": ok("The order", ref("PaymentOrder")), **common, "403": err("forbidden: agency leaders"), "409": err("payment_order_closed"), "422": err("refund_too_large, field_required")}}},
 "/api/v1/dossiers/{code}/payments/{reference}/receipt.pdf": {"get": {"summary": "The e-receipt (biên lai điện tử) of a paid order, numbered per agency and year", "operationId": "paymentReceipt", "tags": ["payments"], "security": AUTH, "parameters": [CODE, {"name": "reference", "in": "path", "required": True, "schema": S, "description": "Payment reference, e.g. MC0000421757"}],
   "responses": {"200": {"description": "PDF", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}, "401": common["401"], "404": err("payment_order_not_found"), "409": err("receipt_not_issued")}}},
 "/api/v1/payments/gateways": {"get": {"summary": "The gateways citizens may pay through", "operationId": "listGateways", "tags": ["payments"], "responses": {"200": ok("Gateways", arr({"type": "object", "properties": {"id": S, "name": S}}))}}},
 "/api/v1/payments/summary": {"get": {"summary": "Unpaid orders, what each account received by method, and the cashless rate per agency (paid without cash / all paid), for the caller's agencies", "operationId": "paymentSummary", "tags": ["payments"], "security": AUTH,
   "parameters": [{"name": "from", "in": "query", "schema": D}, {"name": "to", "in": "query", "schema": D}, {"name": "agency", "in": "query", "schema": S}],
   "responses": {"200": ok("Summary", {"type": "object", "properties": {"from": D, "to": D, "unpaid": arr(ref("PaymentOrder")), "unpaid_amount": {"type": "integer"}, "takings": arr({"type": "object", "properties": {"agency": S, "account": opt(S), "method": {"enum": ["gateway", "transfer", "pos", "cash"]}, "method_label": S, "count": {"type": "integer"}, "amount": {"type": "integer"}}}), "cashless": arr({"type": "object", "properties": {"agency": S, "paid": {"type": "integer"}, "cashless": {"type": "integer"}, "rate": opt({"type": "number"})}})}}), "401": common["401"], "403": err("forbidden")}}},
 "/api/v1/payments/{gateway}/ipn": {"get": {"summary": "The gateway's server-to-server notification (IPN). Signature checked (HMAC-SHA512 for VNPAY), amount checked, idempotent on the gateway's transaction number; refusals logged. Answered in the gateway's format: VNPAY {RspCode, Message} with 00 confirmed, 01 order not found, 02 already confirmed, 04 invalid amount, 97 invalid signature, 99 unknown", "operationId": "paymentNotification", "tags": ["payments"],
   "parameters": [{"name": "gateway", "in": "path", "required": True, "schema": {"enum": ["vnpay", "paygov"]}}],
   "responses": {"200": ok("The gateway's reply", {"type": "object"}), "400": err("payment_callback_malformed"), "404": err("payment_gateway_not_found")}}},
 "/api/v1/payments/expire": {"post": {"summary": "Administrators: close unpaid orders past their time now (the server does it every five minutes)", "operationId": "expirePayments", "tags": ["payments"], "security": AUTH,
   "responses": {"200": ok("How many", {"type": "object", "properties": {"expired": {"type": "integer"}}}), "401": common["401"], "403": err("forbidden")}}},
 "/api/v1/fees": {
   "get": {"summary": "The fee book in force: collection accounts and fee schedules (public)", "operationId": "getFees", "tags": ["payments"], "responses": {"200": ok("The book", ref("FeeBook"))}},
   "put": {"summary": "Administrators: save the whole fee book as a new version (YAML or JSON); checked (accounts, agencies, bands, exemptions with legal basis)", "operationId": "putFees", "tags": ["payments"], "security": AUTH,
     "requestBody": {"required": True, "content": {"application/yaml": {"schema": ref("FeeBook")}, "application/json": {"schema": ref("FeeBook")}}},
     "responses": {"201": ok("Saved", {"type": "object", "properties": {"id": {"type": "integer"}, "accounts": {"type": "integer"}, "schedules": {"type": "integer"}}}), "401": common["401"], "403": err("forbidden"), "422": err("fee_book_invalid (errors[].field names each problem)")}}},
 "/api/v1/statements": {"post": {"summary": "Import a bank/treasury statement or a gateway's daily file (CSV, all or nothing); new lines are kept, orders they pay are credited, the days are reconciled. Bank columns: date, account, bank_ref, amount, description[, counterparty]; gateway columns: txn_ref, transaction_no, amount, pay_date, bank_code, status[, account]", "operationId": "importStatement", "tags": ["payments"], "security": AUTH,
   "parameters": [{"name": "source", "in": "query", "schema": {"type": "string", "description": "bank (default), vnpay or paygov"}}, {"name": "name", "in": "query", "schema": S}],
   "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}},
   "responses": {"201": ok("Imported", {"type": "object", "properties": {"lines": {"type": "integer"}, "added": {"type": "integer"}, "repeated": {"type": "integer"}, "credited": arr(S), "report": ref("Reconciliation")}}), "401": common["401"], "403": err("forbidden"), "422": err("statement_amount_invalid, statement_date_invalid, statement_column_missing, … (errors[].field = line.N), statement_source_invalid")}}},
 "/api/v1/reconciliation": {"get": {"summary": "Reconciliation (đối soát) of a period: matched, unmatched and mismatched statement lines per account and day; `format=xlsx` for Excel", "operationId": "reconciliation", "tags": ["payments"], "security": AUTH,
   "parameters": [{"name": "from", "in": "query", "required": True, "schema": D}, {"name": "to", "in": "query", "schema": D}, {"name": "format", "in": "query", "schema": {"enum": ["json", "xlsx"]}}],
   "responses": {"200": ok("The report", ref("Reconciliation")), "400": common["400"], "401": common["401"], "403": err("forbidden")}}},
 "/api/v1/lookup/{code}": {"get": {"summary": "Public lookup: status and appointment, no personal data", "operationId": "lookup", "tags": ["public"], "parameters": [CODE],
   "responses": {"200": ok("Status", ref("Lookup")), "404": err("dossier_not_found"), "422": err("dossier_code_invalid")}}},
}

doc = {"openapi": "3.1.0",
 "info": {"title": "Một Cửa API", "version": "0.1.0", "description": "The one-stop system (hệ thống một cửa điện tử) of a Vietnamese province. Errors are `{code, message, message_en, field}` with a stable snake_case code and a Vietnamese message."},
 "servers": [{"url": "/"}],
 "paths": paths,
 "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}}
out = pathlib.Path(__file__).resolve().parent.parent / "crates/web/openapi.json"
out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(f"wrote {out}")
