/**
 * @file Debian's headless chromium for the web app's end-to-end tests: one place for where the browser is, how it is
 * started, and where screenshots go ($ASKMUSIC_SCREENSHOTS, default <os tmpdir>/askmusic-e2e, outside the repository).
 */
import { existsSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

/** Where the tests write their screenshots. */
export const SHOTS = process.env.ASKMUSIC_SCREENSHOTS ?? path.join(os.tmpdir(), "askmusic-e2e");

/** Starts the system's chromium (never a downloaded browser), with the screenshot folder made. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: install Debian's browser with \`apt-get update && apt-get install -y chromium\` (never download one)`);
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}
