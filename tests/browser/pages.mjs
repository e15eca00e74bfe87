// Loads every page of the built site in headless Chromium (puppeteer-core, the system Chromium)
// and fails on: console errors, uncaught exceptions, failed requests, HTTP errors, requests to any
// other host, Content-Security-Policy violations, horizontal scrolling at 320 px, and pages that
// lose their heading or main landmark without JavaScript, and any axe-core accessibility
// violation (WCAG 2.x A and AA rules and best practices) in the views with JavaScript. Prints how
// many pages each language (<html lang>) has, so a missing edition shows.
//
// Usage: node tests/browser/pages.mjs --root DIR [--port N]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";
import { serve } from "./server.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const root = path.resolve(args.root || "public");
const port = Number(args.port || 0);
const chromePath = process.env.CHROME_PATH || "/usr/bin/chromium";
// axe-core runs through DevTools evaluation, which the pages' strict CSP does not apply to (the
// CSP check above still sees every script the page itself loads).
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Every HTML file under the output, as a URL path. */
function pagePaths(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".html")) {
        const rel = path.relative(dir, full).split(path.sep).join("/");
        if (rel === "index.html") out.push("/");
        else if (rel.endsWith("/index.html")) out.push("/" + rel.slice(0, -"index.html".length));
        else out.push("/" + rel);
      }
    }
  };
  walk(dir);
  return out.sort();
}

const VIEWS = [
  { name: "desktop, light", width: 1280, height: 900, scheme: "light", js: true },
  { name: "320 px, dark", width: 320, height: 640, scheme: "dark", js: true, mobile: true },
  { name: "no JavaScript", width: 800, height: 900, scheme: "light", js: false },
];

async function main() {
  if (!fs.existsSync(path.join(root, "index.html"))) {
    throw new Error(`no built site in ${root} (run charter build first)`);
  }
  const paths = pagePaths(root);
  const server = await serve(root, port);
  const origin = server.origin;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "charter-pages-"));
  const browser = await puppeteer.launch({
    executablePath: chromePath,
    headless: true,
    args: [...FLAGS, `--user-data-dir=${profile}`],
  });
  const problems = [];
  let loads = 0;
  let failedLoads = 0;
  const languages = new Map(); // <html lang> -> pages loaded in it (first view)
  try {
    for (const view of VIEWS) {
      for (const urlPath of paths) {
        const before = problems.length;
        const lang = await checkPage(browser, origin, urlPath, view, 200, problems);
        if (view === VIEWS[0]) languages.set(lang, (languages.get(lang) || 0) + 1);
        loads += 1;
        if (problems.length > before) failedLoads += 1;
      }
    }
    // A missing page gets the 404 page, with its styles and script.
    const before = problems.length;
    await checkPage(browser, origin, "/no/such/page/", VIEWS[0], 404, problems);
    loads += 1;
    if (problems.length > before) failedLoads += 1;
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`browser: ${paths.length} pages, ${loads} loads in ${VIEWS.length} views`);
  console.log(`browser: pages by <html lang>: ${[...languages].map(([l, n]) => `${l || "(none)"} ${n}`).join(", ")}`);
  if (problems.length) {
    console.error(`\n${problems.length} problem(s):\n  ` + problems.join("\n  "));
  }
  console.log(`browser pages: ${loads - failedLoads} passed, ${failedLoads} failed`);
  if (problems.length) process.exit(1);
}

async function checkPage(browser, origin, urlPath, view, expectStatus, problems) {
  const page = await browser.newPage();
  const where = `${urlPath} [${view.name}]`;
  const note = (msg) => problems.push(`${where}: ${msg}`);
  let lang = "";
  try {
    await page.setJavaScriptEnabled(view.js);
    await page.setViewport({ width: view.width, height: view.height, isMobile: !!view.mobile, hasTouch: !!view.mobile });
    await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: view.scheme }]);
    await page.evaluateOnNewDocument(() => {
      window.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
      });
    });
    page.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "assert") {
        // The deliberate 404 load logs its own status; nothing else may.
        const loc = msg.location()?.url || "";
        if (expectStatus === 404 && /404/.test(msg.text()) && loc.endsWith("/no/such/page/")) return;
        note(`console ${msg.type()}: ${msg.text()} ${loc}`);
      }
    });
    page.on("pageerror", (err) => note(`uncaught exception: ${err.message}`));
    page.on("requestfailed", (req) => note(`request failed: ${req.url()} (${req.failure()?.errorText})`));
    page.on("request", (req) => {
      const u = req.url();
      if (!u.startsWith(origin) && !u.startsWith("data:")) note(`request to another host: ${u}`);
    });
    page.on("response", (res) => {
      const u = res.url();
      if (res.status() >= 400 && !(expectStatus === 404 && u === origin + urlPath)) {
        note(`HTTP ${res.status()} for ${u}`);
      }
    });
    const response = await page.goto(origin + urlPath, { waitUntil: "networkidle0", timeout: 30000 });
    if (!response) {
      note("no response");
      return;
    }
    if (response.status() !== expectStatus && !(response.status() === 304)) {
      note(`status ${response.status()}, expected ${expectStatus}`);
    }
    const facts = await page.evaluate(() => {
      const css = [...document.styleSheets].some((s) => (s.href || "").includes("/css/"));
      return {
        csp: window.__csp || [],
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        h1: document.querySelectorAll("h1").length,
        h1Visible: !!document.querySelector("h1") && document.querySelector("h1").getBoundingClientRect().height > 0,
        main: !!document.querySelector("main"),
        css,
        proseHeadings: document.querySelectorAll(".prose h2[id], .prose h3[id]").length,
        headingAnchors: document.querySelectorAll(".prose .heading-anchor").length,
        refresh: !!document.querySelector('meta[http-equiv="refresh" i]'),
        lang: document.documentElement.lang,
      };
    });
    lang = facts.lang;
    if (facts.refresh) return lang; // an alias redirect stub: nothing more to check
    for (const v of facts.csp) note(`CSP violation: ${v}`);
    if (!facts.css) note("the stylesheet did not load");
    if (facts.h1 !== 1 || !facts.h1Visible) note(`${facts.h1} <h1>, visible: ${facts.h1Visible}`);
    if (!facts.main) note("no <main>");
    if (facts.scrollWidth > facts.innerWidth + 1) {
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 3)
          .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`),
      );
      note(`scrolls sideways: ${facts.scrollWidth}px wide in a ${facts.innerWidth}px window (${wide.join(", ")})`);
    }
    if (view.js && facts.proseHeadings > 0 && facts.headingAnchors !== facts.proseHeadings) {
      note(`${facts.headingAnchors} heading anchors for ${facts.proseHeadings} headings`);
    }
    if (view.js) {
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations);
      for (const v of violations) {
        const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ");
        note(`axe ${v.id} (${v.impact}): ${v.help} at ${where}`);
      }
    }
  } catch (err) {
    note(`could not load: ${err.message}`);
  } finally {
    await page.close();
  }
  return lang;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
