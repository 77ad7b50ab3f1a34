// Browser tests of Một Cửa: the real binary (`motcua serve --demo`) on a free port, driven
// by playwright-core in Debian's Chromium. One worker, no retries; screenshots of the main
// pages at 360 px and 1366 px and an axe accessibility scan go to tests/e2e/output/.
//
//   MOTCUA_BIN=path/to/motcua node tests/e2e/run.mjs
//
// Then Lighthouse's accessibility category scores the main pages (public, citizen, officer,
// leader, admin) in a second Chromium, its score printed per page.
//
// Exits non-zero if any scenario fails, axe finds a serious or critical violation, or a
// page scores below 95 in Lighthouse accessibility.

import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import lighthouse from "lighthouse";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, "target");
const bin = process.env.MOTCUA_BIN || path.join(targetDir, "debug", "motcua");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const out = path.join(here, "output");
rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, "screens"), { recursive: true });

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitHealthy(base, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not become healthy in 60 s");
}

function expect(cond, message) {
  if (!cond) throw new Error(message);
}

const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

/** RFC 6238 code for a base32 secret at step `step` (what an authenticator app shows). */
function totpAt(secret, step) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0;
  const bytes = [];
  for (const c of secret.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { bytes.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", Buffer.from(bytes)).update(counter).digest();
  const code = (h.readUInt32BE(h[19] & 15) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, "0");
}
const stepNow = () => Math.floor(Date.now() / 1000 / 30);

const results = [];
async function scenario(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false, error: String(e && e.stack ? e.stack : e) });
    console.log(`FAIL ${name}\n     ${e && e.message ? e.message : e}`);
  }
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(path.join(tmpdir(), "motcua-e2e-"));
const env = { ...process.env, MOTCUA_DATA_DIR: dataDir, RUST_LOG: "warn" };
delete env.MOTCUA_DATABASE;
// The browser first: if it cannot start, no server is left running behind.
const chromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
const server = spawn(bin, ["serve", "--demo", "--demo-dossiers", "400", "--addr", `127.0.0.1:${port}`], {
  env,
  stdio: ["ignore", "ignore", "inherit"],
});

async function session(user) {
  const context = await browser.newContext({ baseURL: base, locale: "vi-VN" });
  const page = await context.newPage();
  if (user) await login(page, user);
  return { context, page };
}

async function login(page, user) {
  await page.goto("/dang-nhap");
  await page.fill("#username", user);
  await page.fill("#password", "demo");
  await Promise.all([page.waitForLoadState("load"), page.click("main button[type=submit]")]);
  expect(!page.url().includes("/dang-nhap"), `login as ${user} failed`);
}

/** Opens an action's form on the officer's dossier page, fills it, submits it. */
async function act(page, code, label, fill = async () => {}) {
  await page.goto(`/can-bo/ho-so/${code}`, { waitUntil: "domcontentloaded" });
  const details = page.locator("details.action", { has: page.locator("summary", { hasText: new RegExp(`^${label}$`) }) });
  expect((await details.count()) === 1, `action "${label}" is not offered on ${code}`);
  await details.locator("summary").click();
  await fill(details);
  await Promise.all([page.waitForLoadState("domcontentloaded"), details.locator("button[type=submit]").click()]);
  const alerts = page.locator("details.action [role=alert]");
  if ((await alerts.count()) > 0) throw new Error(`action "${label}" refused: ${await alerts.first().textContent()}`);
}

async function statusOf(page, code) {
  await page.goto(`/can-bo/ho-so/${code}`, { waitUntil: "domcontentloaded" });
  return (await page.locator("dl.facts dd strong").first().textContent()).trim();
}

const shots = [];
// Follows the link named `label` on the page with the page's session: it must answer a PDF.
async function expectPdf(page, label, what) {
  const link = page.locator("ul.papers a", { hasText: label });
  expect((await link.count()) === 1, `${what}: link "${label}"`);
  const res = await page.request.get(await link.getAttribute("href"));
  const body = await res.body();
  expect(res.status() === 200 && res.headers()["content-type"] === "application/pdf" && body.subarray(0, 5).toString() === "%PDF-", `${what}: a PDF`);
}

async function shoot(page, name) {
  for (const width of [360, 1366]) {
    await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
    const file = path.join(out, "screens", `${name}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
  }
}

const axeReport = [];
async function axe(page, name) {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const byImpact = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of r.violations) byImpact[v.impact] = (byImpact[v.impact] || 0) + v.nodes.length;
  axeReport.push({ page: name, url: page.url(), passes: r.passes.length, violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help })), byImpact });
}

/**
 * Lighthouse needs a browser it reaches over the DevTools port; a persistent context is the
 * browser's default one, so the session cookie set by logging in there is the one
 * Lighthouse's tab sends (with storage reset off).
 */
const lighthouseReport = [];
async function lighthouseScores(dossier) {
  const lhPort = await freePort();
  const profile = mkdtempSync(path.join(tmpdir(), "motcua-lh-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    baseURL: base,
    locale: "vi-VN",
    args: [...chromiumArgs, `--remote-debugging-port=${lhPort}`],
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const groups = [
      [null, { home: "/", search: "/thu-tuc?q=dang+ky+khai+sinh", procedure: "/thu-tuc/1.001193", login: "/dang-nhap", lookup: `/tra-cuu/${dossier}`, "public-stats": "/thong-ke" }],
      ["citizen", { "my-dossiers": "/ho-so-cua-toi", "my-dossier": `/ho-so-cua-toi/${dossier}`, wizard: "/nop-ho-so/1.001193" }],
      ["officer", { queue: "/can-bo", dossier: `/can-bo/ho-so/${dossier}`, counter: "/can-bo/tiep-nhan", account: "/tai-khoan", takings: "/can-bo/thu-phi", payments: `/ho-so-cua-toi/${dossier}/thanh-toan` }],
      ["leader", { approvals: "/can-bo/phe-duyet", stats: "/can-bo/thong-ke?co-quan=H79.50.01", "stats-late": "/can-bo/thong-ke/tre-han", index766: "/can-bo/chi-so-766" }],
      ["admin", { admin: "/quan-tri", "process-editor": "/quan-tri/quy-trinh/1.013225" }],
    ];
    for (const [user, pages] of groups) {
      await ctx.clearCookies();
      if (user) await login(page, user);
      for (const [name, url] of Object.entries(pages)) {
        const r = await lighthouse(base + url, { port: lhPort, onlyCategories: ["accessibility"], disableStorageReset: true, logLevel: "error", output: "json" });
        const failing = Object.values(r.lhr.audits)
          .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === "binary")
          .map((a) => a.id);
        lighthouseReport.push({ page: name, user: user ?? "public", url: r.lhr.finalDisplayedUrl, score: Math.round(r.lhr.categories.accessibility.score * 100), failing });
      }
    }
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

let code = null;
try {
  await waitHealthy(base, server);

  await scenario("citizen finds a procedure without accents and files online with an attachment", async () => {
    const { page } = await session(null);
    await page.goto("/");
    await axe(page, "home");
    await shoot(page, "home");
    await page.fill("#q", "dang ky khai sinh");
    await Promise.all([page.waitForLoadState("load"), page.click("form[role=search] button")]);
    const first = page.locator("ul.cards li a").first();
    expect((await first.textContent()).trim() === "Đăng ký khai sinh", `first result: ${await first.textContent()}`);
    await axe(page, "search");
    await Promise.all([page.waitForLoadState("load"), first.click()]);
    await axe(page, "procedure");
    await shoot(page, "procedure");
    await Promise.all([page.waitForLoadState("load"), page.click("text=Nộp hồ sơ trực tuyến")]);
    // Not logged in: the login page, then straight back to the filing.
    expect(page.url().includes("/dang-nhap"), "filing asks to log in first");
    await axe(page, "login");
    await page.fill("#username", "citizen");
    await page.fill("#password", "demo");
    await Promise.all([page.waitForURL(/\/ho-so-nhap\/.+\/buoc\/0/), page.click("main button[type=submit]")]);
    // Step 0: who files, and where.
    await page.selectOption("#agency", "H79.50.01");
    await page.fill("#applicant\\.id_number", "079099012345");
    await axe(page, "wizard");
    await shoot(page, "wizard-applicant");
    await Promise.all([page.waitForURL(/buoc\/1/), page.click("button[value=next]")]);
    // Step 1 sent empty: errors next to the fields, in Vietnamese.
    await Promise.all([page.waitForLoadState("load"), page.click("button[value=next]")]);
    expect(await page.locator(".error-summary").isVisible(), "error summary shown");
    const fieldError = await page.locator("#f-tre_ho_ten-error").textContent();
    expect(fieldError.includes("Vui lòng nhập"), `error next to the field: ${fieldError}`);
    await shoot(page, "wizard-errors");
    await page.fill("#f-nguoi_yeu_cau_ho_ten", "Nguyễn Văn An");
    await page.fill("#f-nguoi_yeu_cau_so_dinh_danh", "079099012345");
    await page.selectOption("#f-quan_he_voi_nguoi_duoc_khai_sinh", "Cha");
    await page.fill("#f-tre_ho_ten", "Nguyễn Thị Bình");
    await page.fill("#f-tre_ngay_sinh", "2026-11-01");
    await Promise.all([page.waitForURL(/buoc\/2/), page.click("button[value=next]")]);
    await page.selectOption("#f-tre_gioi_tinh", "Nữ");
    await page.fill("#f-tre_dan_toc", "Kinh");
    await page.fill("#f-tre_noi_sinh", "Trạm y tế xã Bình Giã");
    await Promise.all([page.waitForURL(/buoc\/3/), page.click("button[value=next]")]);
    // Files: uploaded with progress (XHR), listed, kept in the draft.
    await page.setInputFiles("#file", { name: "giay-chung-sinh.pdf", mimeType: "application/pdf", buffer: PDF });
    await Promise.all([page.waitForURL(/buoc\/3/), page.click("form[data-upload] button[type=submit]")]);
    await page.waitForSelector("text=giay-chung-sinh.pdf");
    await shoot(page, "wizard-files");
    await page.goto(page.url().replace(/buoc\/3$/, "buoc/4"));
    await axe(page, "wizard-review");
    await shoot(page, "wizard-review");
    await Promise.all([page.waitForURL(/bien-nhan/), page.click("text=Nộp hồ sơ")]);
    code = (await page.locator("dl.facts dd strong").first().textContent()).trim();
    expect(/^H79\.50\.01-\d{6}-\d{4}$/.test(code), `dossier code ${code}`);
    expect((await page.locator(".qr svg").count()) === 1, "QR code on the receipt");
    await axe(page, "receipt");
    await shoot(page, "receipt");
  });

  await scenario("officer receives and asks for a supplement; citizen adds it", async () => {
    expect(code, "needs the filed dossier");
    const officer = await session("officer");
    await officer.page.goto("/can-bo");
    await axe(officer.page, "queue");
    await shoot(officer.page, "queue");
    await act(officer.page, code, "Tiếp nhận");
    await axe(officer.page, "dossier");
    await shoot(officer.page, "dossier");
    await expectPdf(officer.page, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "receipt PDF on the officer's dossier page");
    await expectPdf(officer.page, "Phiếu kiểm soát quá trình giải quyết hồ sơ", "control slip PDF");
    await act(officer.page, code, "Yêu cầu bổ sung", async (form) => {
      await form.locator("textarea[name=items]").fill("Bản sao giấy tờ tùy thân của mẹ");
      await form.locator("textarea[name=reason]").fill("Hồ sơ còn thiếu giấy tờ");
    });
    expect((await statusOf(officer.page, code)) === "Yêu cầu bổ sung", "status is supplement requested");

    const citizen = await session("citizen");
    await citizen.page.goto("/ho-so-cua-toi");
    await axe(citizen.page, "my-dossiers");
    await shoot(citizen.page, "my-dossiers");
    const waiting = await citizen.page.locator(".warning", { hasText: "Bản sao giấy tờ tùy thân của mẹ" }).count();
    expect(waiting === 1, "the citizen sees what to add");
    const [exported] = await Promise.all([
      citizen.page.waitForEvent("download"),
      citizen.page.click("a[href='/ho-so-cua-toi/du-lieu.zip']"),
    ]);
    expect(readFileSync(await exported.path()).subarray(0, 2).toString() === "PK", "the citizen downloads their data as a zip");
    await citizen.page.goto(`/ho-so-cua-toi/${code}`);
    await expectPdf(citizen.page, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "the citizen downloads the supplement request");
    await citizen.page.fill("#note", "Đã bổ sung bản sao căn cước của mẹ");
    await citizen.page.setInputFiles("#sfile", { name: "cccd-me.pdf", mimeType: "application/pdf", buffer: PDF });
    await Promise.all([citizen.page.waitForLoadState("load"), citizen.page.click("#bo-sung button[type=submit]")]);
    expect((await citizen.page.locator("[role=status]").first().textContent()).includes("Đã gửi bổ sung"), "supplement sent");
  });

  await scenario("specialist processes, leader approves, result returned, citizen rates, public lookup", async () => {
    const officer = await session("officer");
    await act(officer.page, code, "Phân công", async (form) => {
      await form.locator("select[name=assignee]").selectOption("specialist");
    });
    const specialist = await session("specialist");
    await specialist.page.goto("/can-bo?who=me");
    expect((await specialist.page.locator(`main table a[href="/can-bo/ho-so/${code}"]`).count()) === 1, "the assigned dossier is in the specialist's own list");
    await act(specialist.page, code, "Xử lý");
    await act(specialist.page, code, "Trình ký");
    const leader = await session("leader");
    await leader.page.goto("/can-bo/phe-duyet");
    await axe(leader.page, "approvals");
    await shoot(leader.page, "approvals");
    await leader.page.check(`input[name=code][value="${code}"]`);
    await Promise.all([leader.page.waitForLoadState("load"), leader.page.click("button[value=approve]")]);
    expect((await leader.page.locator("[role=status]").first().textContent()).includes(code), "bulk approval reports the dossier");
    await act(specialist.page, code, "Phát hành kết quả", async (form) => {
      await form.locator("input[name=result_number]").fill("125/2026/TLKS");
    });
    await act(officer.page, code, "Trả kết quả");
    expect((await statusOf(officer.page, code)) === "Đã trả kết quả", "returned");

    const citizen = await session("citizen");
    await citizen.page.goto(`/ho-so-cua-toi/${code}`);
    await citizen.page.check("input[name=level][value=very_satisfied]");
    await Promise.all([citizen.page.waitForLoadState("load"), citizen.page.click("#danh-gia button[type=submit]")]);
    expect((await citizen.page.content()).includes("Đã đánh giá"), "rating recorded");

    const anon = await session(null);
    await anon.page.goto("/tra-cuu");
    await anon.page.fill("#code", code);
    await Promise.all([anon.page.waitForLoadState("load"), anon.page.click("main form button")]);
    const text = await anon.page.locator("main").textContent();
    expect(text.includes("Đã trả kết quả"), "lookup shows the final status");
    for (const personal of ["Nguyễn Văn An", "079099012345", "Nguyễn Thị Bình"]) {
      expect(!text.includes(personal), `lookup must not show ${personal}`);
    }
    await axe(anon.page, "lookup");
    await shoot(anon.page, "lookup");
  });

  await scenario("counter reception prints a receipt", async () => {
    const officer = await session("officer");
    await officer.page.goto("/can-bo/tiep-nhan?q=chung%20thuc%20chu%20ky");
    await Promise.all([officer.page.waitForLoadState("load"), officer.page.locator("ul.cards li a").first().click()]);
    await axe(officer.page, "counter");
    await shoot(officer.page, "counter");
    // A returning applicant: the ID number fills in what the online filing recorded.
    await officer.page.fill("#find-id", "079 099 012 345");
    await Promise.all([officer.page.waitForLoadState("load"), officer.page.click("main form.search button")]);
    const found = await officer.page.locator("[role=status]").first().textContent();
    expect(found.includes("Đã điền thông tin người nộp"), `applicant found: ${found}`);
    expect((await officer.page.inputValue("#applicant\\.name")) === "Nguyễn Văn An", "name filled in");
    expect((await officer.page.inputValue("#applicant\\.id_number")) === "079099012345", "ID number filled in");
    await shoot(officer.page, "counter-found");
    await officer.page.fill("#find-id", "123");
    await Promise.all([officer.page.waitForLoadState("load"), officer.page.click("main form.search button")]);
    expect((await officer.page.locator(".warning[role=status]").textContent()).includes("12 chữ số"), "a bad ID number is explained");
    await officer.page.fill("#applicant\\.name", "Trần Văn Bảy");
    // Fill every required declaration field with something valid for its type.
    for (const input of await officer.page.locator("main form [required]").all()) {
      const name = await input.getAttribute("name");
      if (!name || !name.startsWith("f.")) continue;
      const tag = await input.evaluate((e) => e.tagName);
      const type = await input.getAttribute("type");
      if (tag === "SELECT") {
        const values = await input.locator("option").evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
        await input.selectOption(values[0]);
      } else if (type === "date") await input.fill("2026-11-01");
      else if (type === "number") await input.fill("2");
      else await input.fill("Giấy xác nhận mẫu");
    }
    const firstDoc = officer.page.locator("input[name=doc]").first();
    if ((await firstDoc.count()) > 0) await firstDoc.check();
    await officer.page.setInputFiles("#cfile", { name: "ban-quet.pdf", mimeType: "application/pdf", buffer: PDF });
    await Promise.all([officer.page.waitForURL(/phieu-tiep-nhan/), officer.page.click("main form.stack button[type=submit]")]);
    const status = (await officer.page.locator("dl.facts dd").nth(5).textContent()).trim();
    expect(status === "Đã tiếp nhận", `counter dossier status ${status}`);
    expect((await officer.page.locator(".qr svg").count()) === 1, "receipt has its QR code");
  });

  await scenario("the dossier register as PDF and Excel", async () => {
    const officer = await session("officer");
    await officer.page.goto("/");
    await Promise.all([officer.page.waitForURL(/so-theo-doi/), officer.page.locator("nav a", { hasText: "Sổ theo dõi" }).first().click()]);
    await axe(officer.page, "register");
    await shoot(officer.page, "register");
    await officer.page.fill("#from", "2020-01-01");
    const [download] = await Promise.all([
      officer.page.waitForEvent("download"),
      (async () => {
        await officer.page.selectOption("#format", "xlsx");
        await officer.page.click("main form button[type=submit]");
      })(),
    ]);
    const file = await download.path();
    const head = readFileSync(file).subarray(0, 2).toString();
    expect(head === "PK" && download.suggestedFilename().endsWith(".xlsx"), `Excel register downloaded (${download.suggestedFilename()})`);
    const pdf = await officer.page.request.get(`/can-bo/so-theo-doi?agency=H79.50.01&from=2020-01-01&to=2099-12-31&format=pdf`);
    expect(pdf.headers()["content-type"] === "application/pdf", "register as PDF");
    expect((await pdf.body()).subarray(0, 5).toString() === "%PDF-", "register PDF is a PDF");
  });

  await scenario("a late result needs an apology with a new date before it is returned", async () => {
    const leader = await session("leader");
    await leader.page.goto("/can-bo?status=result_ready&due=late");
    const late = leader.page.locator("table a[href^='/can-bo/ho-so/']").first();
    expect((await late.count()) === 1, "the demo has a late result waiting");
    const lateCode = (await late.textContent()).trim();
    const officer = await session("officer");
    await officer.page.goto(`/can-bo/ho-so/${lateCode}`);
    const ret = officer.page.locator("details.action", { has: officer.page.locator("summary", { hasText: /^Trả kết quả$/ }) });
    await ret.locator("summary").click();
    expect((await ret.locator(".warning").textContent()).includes("xin lỗi"), "return is blocked until the apology");
    // A working day a week ahead.
    const d = new Date(Date.now() + 7 * 864e5);
    while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
    const newDue = d.toISOString().slice(0, 10);
    await act(leader.page, lateCode, "Gia hạn và xin lỗi", async (form) => {
      await form.locator("input[name=new_due]").fill(newDue);
      await form.locator("textarea[name=reason]").fill("Cần thêm thời gian xác minh");
      await form.locator("textarea[name=apology]").fill("Cơ quan chân thành xin lỗi ông/bà vì sự chậm trễ.");
    });
    await act(officer.page, lateCode, "Trả kết quả");
    expect((await statusOf(officer.page, lateCode)) === "Đã trả kết quả", "late dossier returned after the apology");
  });

  await scenario("an administrator reads who touched a dossier in the audit log", async () => {
    const admin = await session("admin");
    await admin.page.goto(`/quan-tri/nhat-ky?target=${encodeURIComponent(code)}`);
    await axe(admin.page, "audit-log");
    await shoot(admin.page, "audit-log");
    const rows = await admin.page.locator("main tbody tr").allTextContents();
    expect(rows.some((r) => r.includes("dossier.read") && r.includes("officer")), "the officer's read of the dossier is listed");
    expect(rows.some((r) => r.includes("dossier.receive")), "the receipt is listed");
  });

  await scenario("a community digital helper files for a citizen with the citizen's recorded consent", async () => {
    const { page } = await session("helper");
    await page.goto("/nop-ho-so/1.001193?ho=1");
    await page.waitForURL(/\/ho-so-nhap\/.+\/buoc\/0/);
    if (await page.locator("#agency").count()) await page.selectOption("#agency", "H79.50.01");
    await page.fill("#applicant\\.name", "Lê Thị Mai");
    await page.fill("#applicant\\.id_number", "079188012345");
    await page.fill("#owner", "citizen");
    // Without the applicant's consent the helper cannot go on.
    await Promise.all([page.waitForLoadState("load"), page.click("button[value=next]")]);
    expect(page.url().includes("/buoc/0"), "stays on the first step without consent");
    const summary = await page.locator(".error-summary").textContent();
    expect(summary.includes("đồng ý"), `asks for the consent: ${summary}`);
    await page.check("#consent-signed");
    await page.fill("#consent\\.reference", "UQ-15/2026");
    await page.check("#consent-supplement");
    await axe(page, "wizard-assisted");
    await shoot(page, "wizard-assisted");
    await Promise.all([page.waitForURL(/buoc\/1/), page.click("button[value=next]")]);
    await page.fill("#f-nguoi_yeu_cau_ho_ten", "Lê Thị Mai");
    await page.fill("#f-nguoi_yeu_cau_so_dinh_danh", "079188012345");
    await page.selectOption("#f-quan_he_voi_nguoi_duoc_khai_sinh", "Mẹ");
    await page.fill("#f-tre_ho_ten", "Phạm Gia Huy");
    await page.fill("#f-tre_ngay_sinh", "2026-11-20");
    await Promise.all([page.waitForURL(/buoc\/2/), page.click("button[value=next]")]);
    await page.selectOption("#f-tre_gioi_tinh", "Nam");
    await page.fill("#f-tre_dan_toc", "Kinh");
    await page.fill("#f-tre_noi_sinh", "Trạm y tế xã Bình Giã");
    await Promise.all([page.waitForURL(/buoc\/3/), page.click("button[value=next]")]);
    await page.goto(page.url().replace(/buoc\/3$/, "buoc/4"));
    await Promise.all([page.waitForURL(/bien-nhan/), page.click("text=Nộp hồ sơ")]);
    const filed = (await page.locator("dl.facts dd strong").first().textContent()).trim();
    await page.goto(`/can-bo/ho-so/${filed}`);
    const facts = await page.locator("main").textContent();
    expect(/giấy ủy quyền có chữ ký \(UQ-15\/2026\); được bổ sung hồ sơ — đến hết ngày \d\d\/\d\d\/\d{4}/.test(facts), `the consent is on the dossier: ${facts.replace(/\s+/g, " ").slice(0, 600)}`);
  });

  await scenario("an officer turns on two-step verification, logs in with a code and makes an API token", async () => {
    const spec = await session("specialist");
    await spec.page.goto("/tai-khoan");
    await axe(spec.page, "account");
    await Promise.all([spec.page.waitForLoadState("load"), spec.page.click("form[action='/tai-khoan/hai-buoc/bat-dau'] button")]);
    expect((await spec.page.locator(".qr svg").count()) === 1, "a QR code to scan");
    await axe(spec.page, "account-enrol");
    const secret = (await spec.page.locator("#totp-secret").textContent()).trim();
    const confirmed = stepNow();
    await spec.page.fill("#on-code", totpAt(secret, confirmed));
    await Promise.all([spec.page.waitForLoadState("load"), spec.page.click("form[action='/tai-khoan/hai-buoc/xac-nhan'] button")]);
    expect(spec.page.url().includes("ok=totp-on"), `two-step verification confirmed: ${spec.page.url()}`);

    // A new browser: the password alone leads to the code field; with the code, in.
    const fresh = await session(null);
    await fresh.page.goto("/dang-nhap");
    await fresh.page.fill("#username", "specialist");
    await fresh.page.fill("#password", "demo");
    await Promise.all([fresh.page.waitForLoadState("load"), fresh.page.click("main form[action='/dang-nhap'] button[type=submit]")]);
    expect((await fresh.page.locator("#otp").count()) === 1, "the login asks for the code");
    await axe(fresh.page, "login-otp");
    await shoot(fresh.page, "login-otp");
    await fresh.page.fill("#password", "demo");
    // The confirming code is spent; the next step's code is accepted (±30 s).
    await fresh.page.fill("#otp", totpAt(secret, Math.max(stepNow(), confirmed) + 1));
    await Promise.all([fresh.page.waitForLoadState("load"), fresh.page.click("main form[action='/dang-nhap'] button[type=submit]")]);
    expect(fresh.page.url().includes("/can-bo"), `logged in with the code: ${fresh.page.url()}`);

    // An API token, shown once, that reads the officer's queue and nothing else.
    await fresh.page.goto("/tai-khoan");
    await fresh.page.locator("summary", { hasText: "Cấp mã truy cập mới" }).click();
    await fresh.page.fill("#tk-name", "Phần mềm thống kê của phòng");
    await fresh.page.check("input[name=scope][value='dossiers:read']");
    await Promise.all([fresh.page.waitForLoadState("load"), fresh.page.click("form[action='/tai-khoan/ma-truy-cap'] button[type=submit]")]);
    const token = (await fresh.page.locator("#new-token").textContent()).trim();
    expect(token.startsWith("mct_"), `token shown once: ${token}`);
    await shoot(fresh.page, "account");
    const list = await fetch(`${base}/api/v1/dossiers?open=true`, { headers: { Authorization: `Bearer ${token}` } });
    expect(list.status === 200, `the token reads the queue: ${list.status}`);
    const audit = await fetch(`${base}/api/v1/audit`, { headers: { Authorization: `Bearer ${token}` } });
    expect(audit.status === 403, `the token reads nothing outside its scope: ${audit.status}`);
  });

  await scenario("an administrator edits a process in the form editor; the diagram and the dossier's steps follow it", async () => {
    const admin = await session("admin");
    await admin.page.goto("/quan-tri/quy-trinh/1.001193");
    await axe(admin.page, "process-editor");
    await shoot(admin.page, "process-editor");
    const diagram = admin.page.locator(".diagram img");
    expect(await diagram.evaluate((img) => img.complete && img.naturalWidth > 300), "the diagram is drawn");
    // Two more hours on the examination: over the one-day limit, refused, named.
    const row = admin.page.locator("input[name=id_1]");
    expect((await row.inputValue()) === "tham-dinh", `second row is the examination: ${await row.inputValue()}`);
    await admin.page.fill("input[name=share_1]", "6h");
    await Promise.all([admin.page.waitForLoadState("load"), admin.page.click("button[value=form]")]);
    const summary = await admin.page.locator(".error-summary").textContent();
    expect(summary.includes("vượt thời hạn") && summary.includes("tham-dinh"), `the mismatch is named with its path: ${summary}`);
    await axe(admin.page, "process-editor-errors");
    // Back to four hours, a new name for the step: saved as a new version.
    await admin.page.fill("input[name=share_1]", "4h");
    await admin.page.fill("input[name=name_1]", "Công chức tư pháp - hộ tịch thẩm định, ghi sổ");
    await Promise.all([admin.page.waitForURL(/ok=saved/), admin.page.click("button[value=form]")]);
    const svg = await (await admin.page.request.get("/api/v1/procedures/1.001193/process.svg")).text();
    expect(svg.includes("thẩm định, ghi sổ"), "the diagram shows the new name");
    // The public page shows the simple diagram and the steps in words.
    const pub = await session(null);
    await pub.page.goto("/thu-tuc/1.001193");
    const table = await pub.page.locator("section[aria-labelledby=quy-trinh]").textContent();
    expect(table.includes("thẩm định, ghi sổ") && table.includes("4 giờ"), `the steps are listed: ${table.replace(/\s+/g, " ").slice(0, 300)}`);
    expect(await pub.page.locator("section[aria-labelledby=quy-trinh] img").evaluate((img) => img.complete && img.naturalWidth > 300 && img.src.includes("view=citizen")), "the citizen's diagram is drawn");
    // The shipped diagrams as PNG, to look at (tests/e2e/output/diagrams/).
    mkdirSync(path.join(out, "diagrams"), { recursive: true });
    for (const [code, view] of [["2.000815", ""], ["1.001193", ""], ["1.000894", ""], ["1.001612", ""], ["1.013225", ""], ["1.013978", ""], ["1.013225", "citizen"]]) {
      const res = await pub.page.goto(`/api/v1/procedures/${code}/process.svg${view ? "?view=" + view : ""}`);
      expect(res.status() === 200 && res.headers()["content-type"].startsWith("image/svg+xml"), `diagram of ${code}`);
      const box = await pub.page.locator("svg").boundingBox();
      await pub.page.setViewportSize({ width: Math.ceil(box.width), height: Math.ceil(box.height) });
      const file = path.join(out, "diagrams", `${code}${view ? "-" + view : ""}.png`);
      await pub.page.screenshot({ path: file });
      shots.push(file);
    }
    // An officer's dossier page shows where the dossier stands in its process.
    const officer = await session("officer");
    await officer.page.goto(`/can-bo/ho-so/${code}`);
    const steps = await officer.page.locator("#steps-h").count();
    expect(steps === 1, "the dossier page has the process steps");
    await shoot(officer.page, "dossier-steps");
  });

  await scenario("fees: a VietQR code, online payment through the simulated gateway, the e-receipt, a bank statement reconciled", async () => {
    const officer = await session("officer");
    await officer.page.goto("/can-bo/thu-phi?from=2020-01-01&to=2030-12-31");
    const rows = officer.page.locator("tr", { hasText: "Chờ thanh toán" });
    expect((await rows.count()) >= 2, "the demo has unpaid orders");
    const cells = async (i) => (await rows.nth(i).locator("td").allTextContents()).map((t) => t.trim());
    const [code, reference] = await cells(0);
    const [, reference2, , amount2] = await cells(1);
    await officer.page.goto(`/ho-so-cua-toi/${code}/thanh-toan`);
    const section = officer.page.locator(`section[id="${reference}"]`);
    expect((await section.locator(".qr svg").count()) === 1, "the order shows its VietQR code");
    await axe(officer.page, "payments");
    await shoot(officer.page, "payments");
    await Promise.all([officer.page.waitForURL(/mo-phong\/vnpay/), section.locator("button[value=vnpay]").click()]);
    expect((await officer.page.locator("#reference").textContent()).trim() === reference, "the gateway shows our reference");
    await shoot(officer.page, "gateway-simulator");
    await Promise.all([officer.page.waitForURL(/thanh-toan\/ket-qua/), officer.page.click("button[value=pay]")]);
    const status = await officer.page.locator("[data-status]").getAttribute("data-status");
    expect(status === "paid", `the return page says ${status}`);
    await axe(officer.page, "payment-return");
    await officer.page.goto(`/ho-so-cua-toi/${code}/thanh-toan`);
    expect((await section.getAttribute("data-status")) === "paid", "the order is paid");
    const link = section.locator("a", { hasText: "biên lai" });
    const res = await officer.page.request.get(await link.getAttribute("href"));
    const body = await res.body();
    expect(res.status() === 200 && body.subarray(0, 5).toString() === "%PDF-", "the e-receipt is a PDF");
    // A bank statement with a transfer for the second order: matched and credited.
    const amount = amount2.replace(/[^0-9]/g, "");
    const csv = `date,account,bank_ref,amount,description\n${new Date().toISOString().slice(0, 10)},3511000101,E2E${Date.now()},${amount},CT ${reference2.toLowerCase()} thanh toan\n`;
    await officer.page.goto("/can-bo/thu-phi");
    await officer.page.setInputFiles("#file", { name: "sao-ke.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await Promise.all([officer.page.waitForLoadState("load"), officer.page.click("main form[enctype] button[type=submit]")]);
    const note = await officer.page.locator("[role=status]").first().textContent();
    expect(note.includes("cho 1 yêu cầu"), `statement imported: ${note}`);
    await axe(officer.page, "takings");
    await shoot(officer.page, "takings");
  });

  await scenario("the leader reads the year's figures, drills into an agency and its late dossiers, the 766 index, the report; the public figures", async () => {
    const leader = await session("leader");
    const { page } = leader;
    await page.goto("/can-bo");
    await Promise.all([page.waitForURL(/\/can-bo\/thong-ke/), page.locator("nav.desk a", { hasText: "Thống kê" }).click()]);
    // The current year as the server counts it (Vietnam time), from its quick link.
    const year = new URL(await page.locator("nav.quick a", { hasText: "Năm nay" }).getAttribute("href"), base).searchParams.get("ky");
    expect(/^\d{4}$/.test(year), `the current year: ${year}`);
    await page.fill("#ky", year);
    await Promise.all([page.waitForLoadState("load"), page.click("main form.filters button[type=submit]")]);
    const tile = (label) => page.locator("dl.kpis > div", { has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) }).locator("dd.value");
    const received = Number((await tile("Đã tiếp nhận").textContent()).replace(/\D/g, ""));
    expect(received > 0, `the demo's dossiers are received this year: ${received}`);
    expect(/%/.test(await tile("Tỷ lệ giải quyết đúng hạn").textContent()), "an on-time rate");
    expect((await page.locator("svg.mc-chart").count()) === 2, "the trend charts are drawn");
    expect((await page.locator("#xu-huong-bang").count()) === 1, "the charts' figures as a table");
    const agencies = page.locator("table.stats.wide tbody th a");
    expect((await agencies.count()) >= 2, "the figures per agency, each a link");
    expect((await page.locator("#so-lieu[hx-trigger='every 60s']").count()) === 1, "the figures refresh every minute");
    await axe(page, "stats");
    await shoot(page, "stats");
    // What htmx asks for every minute: the figures alone, not the page.
    const fragment = await page.request.get(`/can-bo/thong-ke?ky=${year}`, { headers: { "HX-Request": "true" } });
    const html = await fragment.text();
    expect(fragment.status() === 200 && html.trimStart().startsWith('<div id="so-lieu"') && !html.includes("<html"), "the refresh gets the figures alone");
    // One agency: by unit, by procedure, and (for its leader) by officer.
    await page.selectOption("#co-quan", "H79.50.01");
    await Promise.all([page.waitForLoadState("load"), page.click("main form.filters button[type=submit]")]);
    for (const id of ["theo-don-vi", "theo-thu-tuc", "theo-can-bo"]) {
      expect((await page.locator(`#${id}`).count()) === 1, `the agency's figures ${id}`);
    }
    await axe(page, "stats-agency");
    await shoot(page, "stats-agency");
    // Into the late dossiers: only the leader's own agency.
    await Promise.all([page.waitForURL(/\/can-bo\/thong-ke\/tre-han/), page.locator("dl.kpis a", { hasText: "Xem hồ sơ trễ hạn" }).click()]);
    const late = page.locator("ul.late-list a[href^='/can-bo/ho-so/']");
    expect((await late.count()) > 0, "the demo has late dossiers");
    const codes = (await late.allTextContents()).map((c) => c.trim());
    expect(codes.every((c) => !c.startsWith("H79.50.02-")), `only the leader's agency: ${codes.join(", ")}`);
    await axe(page, "stats-late");
    await shoot(page, "stats-late");
    await Promise.all([page.waitForURL(new RegExp(`/can-bo/ho-so/${codes[0].replace(/\./g, "\\.")}$`)), late.first().click()]);
    const other = await page.goto(`/can-bo/thong-ke/tre-han?ky=${year}&co-quan=H79.50.02`);
    expect(other.status() === 403 && (await page.locator("#co-quan-error").count()) === 1, `another agency's late dossiers are refused: ${other.status()}`);
    // Bad input: a Vietnamese message next to the field, never a 500.
    let res = await page.goto("/can-bo/thong-ke?ky=2026-13");
    expect(res.status() === 422 && (await page.locator("#ky-error").textContent()).includes("Kỳ báo cáo"), `a bad period: ${res.status()}`);
    res = await page.goto("/can-bo/thong-ke?co-quan=KHONG-CO");
    expect(res.status() === 404 && (await page.locator("#co-quan-error").textContent()).includes("KHONG-CO"), `an unknown agency: ${res.status()}`);
    await shoot(page, "stats-errors");
    // The 766 index.
    await page.goto(`/can-bo/thong-ke?ky=${year}`);
    await Promise.all([page.waitForURL(/chi-so-766/), page.locator("main a", { hasText: "Quyết định 766" }).click()]);
    expect((await page.locator("section.index-group").count()) >= 5, "the index's groups");
    expect(/\/ 100/.test(await page.locator("dl.kpis dd.value").first().textContent()), "the total out of 100");
    expect((await page.locator("text=Chưa có dữ liệu").count()) > 0, "what the system cannot measure says so");
    expect((await page.locator("ul.indicators .badge", { hasText: "chưa xác nhận" }).count()) > 0, "unconfirmed indicators are marked");
    await axe(page, "index766");
    await shoot(page, "index766");
    // The report, as Excel and as PDF, with the session.
    await page.goto(`/can-bo/thong-ke?ky=${year}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("main a", { hasText: "Tải báo cáo (Excel)" }).click()]);
    const head = readFileSync(await download.path()).subarray(0, 2).toString();
    expect(head === "PK" && download.suggestedFilename() === `bao-cao-tthc-${year}.xlsx`, `the Excel report (${download.suggestedFilename()})`);
    const xlsx = await page.request.get(`/can-bo/thong-ke/bao-cao.xlsx?ky=${year}&co-quan=H79.50.01`);
    expect(xlsx.status() === 200 && (await xlsx.body()).subarray(0, 2).toString() === "PK", `the agency's Excel report: ${xlsx.status()}`);
    const pdf = await page.request.get(`/can-bo/thong-ke/bao-cao.pdf?ky=${year}`);
    expect(pdf.status() === 200 && (await pdf.body()).subarray(0, 5).toString() === "%PDF-", `the PDF report: ${pdf.status()}`);
    // The public page, from the footer: figures, no people.
    const anon = await session(null);
    await anon.page.goto("/");
    await Promise.all([anon.page.waitForURL(/\/thong-ke$/), anon.page.locator("footer a", { hasText: "Thống kê" }).click()]);
    const pub = Number((await anon.page.locator("dl.kpis dd.value").first().textContent()).replace(/\D/g, ""));
    expect(pub > 0, `the public page counts the year's dossiers: ${pub}`);
    expect((await anon.page.locator("svg.mc-hbars").count()) === 1, "the agencies' on-time rates are drawn");
    expect((await anon.page.locator("#co-quan-bang").count()) === 1, "and listed in a table");
    const text = await anon.page.locator("main").textContent();
    for (const person of ["Phạm Minh Đức", "Lê Văn Hùng", "Trần Thị Thu"]) {
      expect(!text.includes(person), `the public page names no officer (${person})`);
    }
    await axe(anon.page, "public-stats");
    await shoot(anon.page, "public-stats");
  });

  await scenario("Lighthouse accessibility of the main pages", async () => {
    await lighthouseScores(code);
    const low = lighthouseReport.filter((r) => r.score < 95);
    expect(low.length === 0, `below 95: ${low.map((r) => `${r.page} ${r.score}`).join(", ")}`);
  });
} finally {
  await browser.close();
  server.kill("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
}

const serious = axeReport.reduce((n, r) => n + r.byImpact.critical + r.byImpact.serious, 0);
writeFileSync(path.join(out, "axe.json"), JSON.stringify(axeReport, null, 2));
writeFileSync(path.join(out, "results.json"), JSON.stringify(results, null, 2));
console.log(`\naxe over ${axeReport.length} pages (WCAG 2.1 A/AA):`);
for (const r of axeReport) {
  const v = r.violations.map((x) => `${x.id}[${x.impact}]×${x.nodes}`).join(", ") || "none";
  console.log(`  ${r.page.padEnd(14)} passes ${String(r.passes).padStart(3)}  violations: ${v}`);
}
writeFileSync(path.join(out, "lighthouse.json"), JSON.stringify(lighthouseReport, null, 2));
console.log(`\nLighthouse accessibility over ${lighthouseReport.length} pages:`);
for (const r of lighthouseReport) {
  console.log(`  ${r.page.padEnd(14)} ${String(r.score).padStart(3)}  (${r.user})${r.failing.length ? "  failing: " + r.failing.join(", ") : ""}`);
}
console.log(`screenshots: ${shots.length} in ${path.relative(root, path.join(out, "screens"))}`);
const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length}/${results.length} scenarios passed; serious or critical axe violations: ${serious}`);
process.exit(failed.length === 0 && serious === 0 ? 0 : 1);
