import { afterAll, describe, expect, it } from "vitest";
import { loadCpcdIntent } from "../datasets/cpcd-intent/index.js";
import { realDataConfig } from "../datasets/testing.js";
import { ATTRIBUTES, EMPTY_STATE, isAttribute, isSystemAction, isUserIntent, SYSTEM_ACTIONS, USER_INTENTS } from "./types.js";

describe("label sets", () => {
  it("recognise their own members and nothing else", () => {
    expect(USER_INTENTS.every(isUserIntent)).toBe(true);
    expect(SYSTEM_ACTIONS.every(isSystemAction)).toBe(true);
    expect(ATTRIBUTES.every(isAttribute)).toBe(true);
    expect(isUserIntent("passive_recommend")).toBe(false);
    expect(isAttribute("none")).toBe(false);
  });
  it("the empty state has applied no turn and is frozen", () => {
    expect(EMPTY_STATE.turn).toBe(-1);
    expect(Object.isFrozen(EMPTY_STATE.constraints.excludeTags)).toBe(true);
  });
});

describe("label sets against cpcd_intent.csv", () => {
  const real = realDataConfig();
  afterAll(() => real.cleanup());
  it("cover every label the real file uses, per role (attribute 'none' = no attribute)", async () => {
    const rows = await loadCpcdIntent(real.config);
    const unknown = new Set<string>();
    for (const r of rows) {
      for (const i of r.intents) if (!(r.role === "user" ? isUserIntent(i) : isSystemAction(i))) unknown.add(`${r.role}:${i}`);
      for (const a of r.musicAttributes) if (a !== "none" && !isAttribute(a)) unknown.add(`attr:${a}`);
    }
    expect([...unknown]).toEqual([]);
  });
});
