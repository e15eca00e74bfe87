// The search page of the built site in headless Chromium (puppeteer-core, the system Chromium):
// for each case, types the query into the search box with the keyboard, presses Enter, and waits
// for a result with the expected title whose snippet marks a word of the query; then checks that
// the keyboard reaches the results (Tab from the box: the button, then the first result), that
// opening /search/?q=... answers at once, and that without JavaScript the page says so and links
// the topic index. Fails on console errors, uncaught exceptions, failed requests and CSP
// violations.
//
// Usage: node tests/browser/search.mjs --root DIR [--port N] [--cases FILE.json]
// A case is {"path": "/search/", "query": "international forc", "title": "The international
// force", "topics": "/topics/"}; the default cases are the English ones below, and a cases file
// (a JSON list) replaces them, e.g. to add the Ukrainian edition's /uk/search/.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import puppeteer from "puppeteer-core";
import { serve } from "./server.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const root = path.resolve(args.root || "public");
const port = Number(args.port || 0);
const chromePath = process.env.CHROME_PATH || "/usr/bin/chromium";

const DEFAULT_CASES = [
  // The last word is a prefix: "forc" finds "force".
  { path: "/search/", query: "international forc", title: "The international force", topics: "/topics/" },
  // A word of the text only, not of any title.
  { path: "/search/", query: "commander", title: "What the AASC is", topics: "/topics/" },
];
const cases = args.cases ? JSON.parse(fs.readFileSync(args.cases, "utf8")) : DEFAULT_CASES;

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

/** Collects everything that counts as a failure on `page`. */
function watch(page, origin, problems, label) {
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${label}: console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${label}: uncaught: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`${label}: request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${label}: HTTP ${r.status()} for ${r.url()}`);
  });
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) problems.push(`${label}: request to another host: ${r.url()}`);
  });
}

/** The results as shown: title, link, section, snippet text and its marked words. */
function results(page) {
  return page.$$eval(".search-result", (items) =>
    items.map((li) => ({
      title: li.querySelector(".search-result__title a")?.textContent,
      href: li.querySelector(".search-result__title a")?.getAttribute("href"),
      section: li.querySelector(".search-result__section")?.textContent || "",
      snippet: li.querySelector(".search-result__snippet")?.textContent || "",
      marks: [...li.querySelectorAll(".search-result__snippet mark")].map((m) => m.textContent),
      htmlMarks: li.querySelector(".search-result__snippet")?.innerHTML.match(/<mark>/g)?.length || 0,
    })),
  );
}

async function waitForTitle(page, title) {
  await page.waitForFunction(
    (t) => [...document.querySelectorAll(".search-result__title a")].some((a) => a.textContent === t),
    { timeout: 10000 },
    title,
  );
}

async function main() {
  const server = await serve(root, port);
  const origin = server.origin;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "charter-search-"));
  const browser = await puppeteer.launch({ executablePath: chromePath, headless: true, args: [...FLAGS, `--user-data-dir=${profile}`] });
  const problems = [];
  try {
    for (const c of cases) {
      const label = `${c.path} "${c.query}"`;
      const page = await browser.newPage();
      watch(page, origin, problems, label);
      await page.evaluateOnNewDocument(() => {
        document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
      });
      await page.goto(origin + c.path, { waitUntil: "networkidle0" });
      // The box has the focus (search.js gives it when there is no query): type as a reader does.
      const focused = await page.evaluate(() => document.activeElement?.getAttribute("name"));
      if (focused !== "q") problems.push(`${label}: the search box does not have the focus on arrival (${focused})`);
      await page.keyboard.type(c.query, { delay: 20 });
      await page.keyboard.press("Enter");
      try {
        await waitForTitle(page, c.title);
      } catch {
        problems.push(`${label}: no result titled "${c.title}"; shown: ${JSON.stringify(await results(page))}`);
        await page.close();
        continue;
      }
      const shown = await results(page);
      const hit = shown.find((r) => r.title === c.title);
      const queryWords = c.query.toLowerCase().split(/\s+/);
      if (!hit.marks.length || !hit.marks.every((m) => queryWords.some((w) => m.toLowerCase().includes(w) || w.includes(m.toLowerCase()) || m.toLowerCase().startsWith(w)))) {
        problems.push(`${label}: the snippet of "${c.title}" marks ${JSON.stringify(hit.marks)}, not the query's words: ${hit.snippet}`);
      }
      const status = await page.$eval("[data-search-status]", (s) => s.textContent);
      if (!/\d/.test(status)) problems.push(`${label}: the status line gives no count: "${status}"`);
      const url = new URL(page.url());
      if (url.searchParams.get("q") !== c.query) problems.push(`${label}: the address does not hold the query: ${page.url()}`);
      // The keyboard reaches the results: Tab from the box goes to the button, then the first result.
      await page.focus("input[name='q']");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      const first = await page.evaluate(() => document.activeElement?.closest(".search-result") ? document.activeElement.textContent : null);
      if (first !== shown[0].title) problems.push(`${label}: Tab, Tab from the box reaches ${JSON.stringify(first)}, not the first result`);
      // Enter on it follows the link.
      await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press("Enter")]);
      if (new URL(page.url()).pathname !== new URL(shown[0].href, origin).pathname) {
        problems.push(`${label}: Enter on the first result went to ${page.url()}, not ${shown[0].href}`);
      }
      // The address with ?q= answers on arrival.
      await page.goto(`${origin}${c.path}?q=${encodeURIComponent(c.query)}`, { waitUntil: "networkidle0" });
      try {
        await waitForTitle(page, c.title);
      } catch {
        problems.push(`${label}: ${c.path}?q=... shows no result titled "${c.title}"`);
      }
      await page.close();

      // Without JavaScript: the message and its link to the topics, which exists.
      const nojs = await browser.newPage();
      watch(nojs, origin, problems, `${label} (no JavaScript)`);
      await nojs.setJavaScriptEnabled(false);
      await nojs.goto(`${origin}${c.path}?q=${encodeURIComponent(c.query)}`, { waitUntil: "load" });
      const message = await nojs.$eval("[data-search-nojs]", (p) => ({
        visible: !p.hidden && p.offsetParent !== null,
        link: p.querySelector("a")?.getAttribute("href"),
      }));
      if (!message.visible) problems.push(`${label}: without JavaScript the page shows no message`);
      if (message.link !== c.topics) problems.push(`${label}: without JavaScript the message links ${message.link}, not ${c.topics}`);
      const topics = await fetch(new URL(message.link || "/", origin));
      if (topics.status !== 200) problems.push(`${label}: the topic index ${message.link} answers ${topics.status}`);
      await nojs.close();
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (problems.length) {
    console.error(problems.join("\n"));
    console.error(`search: ${problems.length} problem(s) in ${cases.length} case(s)`);
    process.exit(1);
  }
  console.log(`search: ${cases.length} case(s) pass (typed, marked, keyboard, ?q=, without JavaScript)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
