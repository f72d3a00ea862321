/**
 * @file Test doubles for the HTTP layer: an in-memory StateRepository, a small music-like catalog and a fake
 * encoder, so server tests and browser tests run in milliseconds without a model or a database.
 */
import { InputError, NotFoundError } from "../../errors.js";
import type { TextEncoder } from "../../representations/text-encoder.js";
import type { CatalogItem } from "../../store/catalog.js";
import { MemoryCatalog } from "../../store/memory/index.js";
import type { AdapterRecord, ConversationRecord, FeedbackRecord, StateRepository, UserExport, UserRecord, WordFeedbackEntry } from "../../store/state/repository.js";
import { checkProfileWeights, encodeAdapterArrays, encodeAdapterFeedback, encodeConversationData } from "../../store/state/validate.js";
import { FAKE_DIMS, fakeEncode } from "../../store/testing.js";

const USER_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * StateRepository in memory: same contract as SQLite/PostgreSQL, nothing durable. `failPing` simulates a
 * database that went away (for readiness tests).
 */
export class MemoryStateRepository implements StateRepository {
  readonly kind = "memory";
  failPing = false;
  private readonly users = new Map<string, UserRecord & { tokenHash: string }>();
  private readonly feedback = new Map<string, FeedbackRecord>();
  private readonly profiles = new Map<string, Record<string, number>>();
  private readonly adapters = new Map<string, AdapterRecord>();
  private readonly conversations = new Map<string, ConversationRecord>();
  private clock = 0;

  async migrate(): Promise<void> {}

  async createUser(user: { id: string; name?: string; tokenHash: string }): Promise<UserRecord> {
    if (!USER_ID.test(user.id)) throw new InputError(`user id "${user.id}" must be 1-64 characters of A-Z a-z 0-9 . _ -`, { field: "id" });
    if (this.users.has(user.id)) throw new InputError(`user "${user.id}" already exists`, { field: "id" });
    const record = { id: user.id, ...(user.name !== undefined ? { name: user.name } : {}), createdAt: new Date().toISOString(), tokenHash: user.tokenHash };
    this.users.set(user.id, record);
    return strip(record);
  }

  async findUserByTokenHash(tokenHash: string): Promise<UserRecord | undefined> {
    for (const u of this.users.values()) if (u.tokenHash === tokenHash) return strip(u);
    return undefined;
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const u = this.users.get(id);
    return u && strip(u);
  }

  async listUsers(): Promise<UserRecord[]> {
    return [...this.users.values()].map(strip);
  }

  async setFeedback(userId: string, catalog: string, itemId: string, value: 1 | -1 | 0): Promise<void> {
    if (!this.users.has(userId)) throw new NotFoundError("user", userId);
    const key = JSON.stringify([userId, catalog, itemId]);
    this.feedback.delete(key);
    // A strictly increasing clock keeps "most recent first" well defined within one millisecond.
    if (value !== 0) this.feedback.set(key, { userId, catalog, itemId, value, updatedAt: new Date(Date.now() + this.clock++).toISOString() });
  }

  async listFeedback(userId: string, catalog: string): Promise<FeedbackRecord[]> {
    return [...this.feedback.values()].filter((f) => f.userId === userId && f.catalog === catalog).reverse();
  }

  async exportUser(id: string): Promise<UserExport | undefined> {
    const u = this.users.get(id);
    if (!u) return undefined;
    const feedback = [...this.feedback.values()].filter((f) => f.userId === id);
    const profiles = [...this.profiles].flatMap(([key, weights]) => {
      const [userId, catalog] = JSON.parse(key) as [string, string];
      return userId === id ? [{ user_id: userId, catalog, weights }] : [];
    });
    return {
      user: strip(u),
      data: {
        feedback: feedback.map((f) => ({ user_id: f.userId, catalog: f.catalog, item_id: f.itemId, value: f.value, updated_at: f.updatedAt })),
        profiles,
        adapters: [...this.adapters.values()].filter((a) => a.userId === id).map((a) => ({ user_id: a.userId, catalog: a.catalog, model: a.model, version: a.version, feedback: a.feedback, updated_at: a.updatedAt })),
        conversations: [...this.conversations.values()].filter((c) => c.userId === id).map((c) => ({ id: c.id, user_id: c.userId, catalog: c.catalog, data: c.data, version: c.version, created_at: c.createdAt, updated_at: c.updatedAt })),
      },
    };
  }

  async deleteUser(id: string): Promise<Record<string, number> | undefined> {
    if (!this.users.delete(id)) return undefined;
    let feedback = 0;
    let profiles = 0;
    for (const [key, f] of this.feedback) if (f.userId === id && this.feedback.delete(key)) feedback++;
    for (const key of [...this.profiles.keys()]) if ((JSON.parse(key) as string[])[0] === id && this.profiles.delete(key)) profiles++;
    let adapters = 0;
    for (const [key, a] of [...this.adapters]) if (a.userId === id && this.adapters.delete(key)) adapters++;
    let conversations = 0;
    for (const [key, c] of [...this.conversations]) if (c.userId === id && this.conversations.delete(key)) conversations++;
    return { feedback, profiles, adapters, conversations, users: 1 };
  }

  async setProfile(userId: string, catalog: string, weights: Readonly<Record<string, number>>): Promise<void> {
    if (!this.users.has(userId)) throw new NotFoundError("user", userId);
    const checked = checkProfileWeights(weights);
    const key = JSON.stringify([userId, catalog]);
    if (Object.keys(checked).length === 0) this.profiles.delete(key);
    else this.profiles.set(key, checked);
  }

  async getProfile(userId: string, catalog: string): Promise<Record<string, number>> {
    return { ...(this.profiles.get(JSON.stringify([userId, catalog])) ?? {}) };
  }

  async setAdapter(userId: string, catalog: string, model: string, arrays: Readonly<Record<string, Float32Array>>, feedback: readonly WordFeedbackEntry[], expectedVersion?: number): Promise<number> {
    if (!this.users.has(userId)) throw new NotFoundError("user", userId);
    encodeAdapterArrays(model, arrays);
    encodeAdapterFeedback(feedback);
    const key = JSON.stringify([userId, catalog, model]);
    const current = this.adapters.get(key)?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== current) throw new InputError(`the ${model} adapter of ${userId} is at version ${current}, not ${expectedVersion}: another retraining finished first; retry`, { field: "version" });
    const copy = Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, v.slice()]));
    this.adapters.set(key, { userId, catalog, model, version: current + 1, arrays: copy, feedback: [...feedback], updatedAt: new Date().toISOString() });
    return current + 1;
  }

  async getAdapter(userId: string, catalog: string, model: string): Promise<AdapterRecord | undefined> {
    return this.adapters.get(JSON.stringify([userId, catalog, model]));
  }

  async deleteAdapter(userId: string, catalog: string, model: string): Promise<boolean> {
    return this.adapters.delete(JSON.stringify([userId, catalog, model]));
  }

  async createConversation(c: { id: string; userId?: string; catalog: string; data: Readonly<Record<string, unknown>> }): Promise<ConversationRecord> {
    if (!USER_ID.test(c.id)) throw new InputError(`conversation id "${c.id}" must be 1-64 characters of A-Z a-z 0-9 . _ -`, { field: "id" });
    if (c.userId !== undefined && !this.users.has(c.userId)) throw new NotFoundError("user", c.userId);
    if (this.conversations.has(c.id)) throw new InputError(`conversation ${c.id} already exists`, { field: "id" });
    const now = new Date().toISOString();
    const record: ConversationRecord = { id: c.id, ...(c.userId === undefined ? {} : { userId: c.userId }), catalog: c.catalog, data: JSON.parse(encodeConversationData(c.data)) as Record<string, unknown>, version: 1, createdAt: now, updatedAt: now };
    this.conversations.set(c.id, record);
    return record;
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    return this.conversations.get(id);
  }

  async saveConversation(id: string, data: Readonly<Record<string, unknown>>, expectedVersion: number): Promise<number> {
    const c = this.conversations.get(id);
    if (c === undefined) throw new NotFoundError("conversation", id);
    if (c.version !== expectedVersion) throw new InputError(`conversation ${id} is at version ${c.version}, not ${expectedVersion}: another turn landed first; retry`, { field: "version" });
    this.conversations.set(id, { ...c, data: JSON.parse(encodeConversationData(data)) as Record<string, unknown>, version: c.version + 1, updatedAt: new Date().toISOString() });
    return c.version + 1;
  }

  async ping(): Promise<void> {
    if (this.failPing) throw new Error("state database unavailable");
  }

  async close(): Promise<void> {}
}

function strip(u: UserRecord & { tokenHash: string }): UserRecord {
  const { tokenHash: _hidden, ...rest } = u;
  return rest;
}

/** The fake encoder of `store/testing` as a TextEncoder ("fake-8"). */
export function fakeQueryEncoder(): TextEncoder & { calls: number } {
  const enc = {
    id: "fake-8",
    dims: FAKE_DIMS,
    calls: 0,
    async encode(texts: readonly string[]) {
      enc.calls++;
      return fakeEncode(texts);
    },
  };
  return enc;
}

const MOODS = ["calm", "happy", "dark", "energetic", "sad", "dreamy"];
const GENRES = ["piano", "rock", "ambient", "jazz", "electronic", "rap", "folk", "classical"];
const ARTISTS = ["Lena Hart", "The Quiet Rooms", "Nordlicht", "Maya Osei", "Velvet Static", "Tomás Rey"];

/**
 * A small music-like catalog (48 tracks, "fake-8" vectors of their tags and title) named `name`.
 * @example testCatalog().info().count // 48
 */
export function testCatalog(name = "jamendo"): MemoryCatalog {
  const items: CatalogItem[] = [];
  for (let i = 0; i < 48; i++) {
    const mood = MOODS[i % MOODS.length];
    const genre = GENRES[(i * 5 + Math.floor(i / 6)) % GENRES.length];
    const extra = i % 3 === 0 ? ["instrumental"] : i % 3 === 1 ? ["voice"] : [];
    // 6 moods x 8 words: every title is unique.
    const title = `${mood[0].toUpperCase()}${mood.slice(1)} ${["Morning", "Rain", "Lights", "Roads", "Tide", "Echoes", "Garden", "Winter"][Math.floor(i / 6)]}`;
    const artist = ARTISTS[(i + Math.floor(i / 6)) % ARTISTS.length];
    const tags = [genre, mood, ...extra];
    items.push({
      id: `track_${String(1000 + i).padStart(7, "0")}`,
      name: `${title} — ${artist}`,
      title,
      artist,
      tags,
      url: `https://www.jamendo.com/track/${1000 + i}`,
      popularity: (i * 37) % 100,
      text: `${title} ${artist} ${tags.join(" ")}`,
    });
  }
  const tagtext = fakeEncode(items.map((it) => `${it.tags.join(" ")} ${it.title}`));
  return new MemoryCatalog(name, items, { tagtext }, "fake-8");
}
