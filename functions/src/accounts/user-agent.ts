// A readable browser and system name from a User-Agent header, parsed minimally here rather than
// with a library: ua-parser-js is AGPL from version 2, and the devices list needs only the browser
// family, its major version and the system ("Chrome 131 on Android"). Order matters: Edge and
// Opera say "Chrome" too, Chrome says "Safari", and every iPhone browser says "Safari".

const BROWSERS: readonly [name: string, pattern: RegExp][] = [
  ["Edge", /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ["Opera", /\b(?:OPR|Opera)\/(\d+)/],
  ["Samsung Internet", /\bSamsungBrowser\/(\d+)/],
  ["Firefox", /\b(?:Firefox|FxiOS)\/(\d+)/],
  ["Chrome", /\b(?:Chrome|CriOS|HeadlessChrome|Chromium)\/(\d+)/],
  ["Safari", /\bVersion\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//],
];

const SYSTEMS: readonly [name: string, pattern: RegExp][] = [
  ["Android", /\bAndroid\b/],
  ["iOS", /\b(?:iPhone|iPad|iPod)\b/],
  ["ChromeOS", /\bCrOS\b/],
  ["Windows", /\bWindows\b/],
  ["macOS", /\bMac OS X\b/],
  ["Linux", /\bLinux\b/],
];

/** "Chrome 131 on Android", "Firefox 128 on Linux", or "Unknown browser" for anything else. */
export function summarizeUserAgent(userAgent: string | undefined): string {
  const ua = (userAgent ?? "").slice(0, 1_000);
  let browser: string | undefined;
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(ua);
    if (match) {
      browser = `${name} ${match[1] ?? ""}`.trim();
      break;
    }
  }
  const system = SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0];
  if (!browser && !system) return "Unknown browser";
  return [browser ?? "A browser", system ? `on ${system}` : undefined].filter(Boolean).join(" ");
}

/** The header as stored: at most 300 characters, control characters replaced. */
export function storedUserAgent(userAgent: string | undefined): string {
  return (userAgent ?? "").replace(/\p{Cc}/gu, " ").slice(0, 300);
}
