/**
 * @file `askmusic chat [--catalog jamendo|lastfm-2k] [--user ID] [-k 5] [--intents keyword|trained]`: a conversation
 * in the terminal, one turn per line of input. Each turn prints what was read (intents), the state (hard
 * constraints, preferences, liked and disliked tracks) and the top tracks. `/like N`, `/dislike N` mark track N of
 * the last answer, `/lift WORD` removes a constraint, `/quit` ends. With --user the listener's likes and dislikes
 * count, and the conversation is saved in the state store after every turn.
 */
import type { Command } from "commander";
import type { Config } from "../../../config.js";
import type { UtteranceLabeler } from "../../../conversation/retrieval/state-model.js";
import { applyEdits, EMPTY_CONVERSATION, takeTurn, type ConversationData, type TurnOptions } from "../../../conversation/session.js";
import { InputError } from "../../../errors.js";
import type { CatalogRanker } from "../../../ranking/catalog-ranker.js";
import { parseIntFlag } from "../options.js";

/** The state and the answer of the last exchange, for a terminal. */
export function formatExchange(data: ConversationData): string {
  const { state } = data;
  const last = data.exchanges.at(-1);
  const lines: string[] = [];
  if (last !== undefined) lines.push(`read as: ${last.labels.intents.join(", ")}${last.labels.attributes.length > 0 ? ` (${last.labels.attributes.join(", ")})` : ""}${last.asked !== last.user ? `; asked "${last.asked}"` : ""}`);
  const hard = [...state.constraints.excludeTags.map((t) => `no ${t}`), ...state.constraints.excludeArtists.map((a) => `not by ${a}`)];
  lines.push(`constraints: ${hard.length > 0 ? hard.join(", ") : "-"}`);
  lines.push(`preferences: ${state.preferences.length > 0 ? state.preferences.slice(0, 8).map((p) => `${p.tag} ${p.weight.toFixed(2)}`).join(", ") : "-"}${state.artists.length > 0 ? `; artists: ${state.artists.join(", ")}` : ""}`);
  lines.push(`liked ${state.liked.length}, disliked ${state.disliked.length}, shown ${state.shown.length}`);
  if (last !== undefined) {
    last.tracks.forEach((t, i) => lines.push(`${String(i + 1).padStart(2)}. ${t.name}  [${t.tags.slice(0, 5).join(", ")}]`));
    if (last.tracks.length === 0) lines.push("no track satisfies the constraints: lift one (/lift WORD) or ask for something else");
  }
  return lines.join("\n");
}

/**
 * Runs a conversation over `lines` (the listener's input), writing each turn's state and answer; `onSave` is called
 * with the document after every change (the command persists it).
 */
export async function runChat(
  lines: AsyncIterable<string>,
  ranker: CatalogRanker,
  labeler: UtteranceLabeler,
  write: (text: string) => void,
  options: TurnOptions & { onSave?: (data: ConversationData) => Promise<void> } = {},
): Promise<ConversationData> {
  let data = EMPTY_CONVERSATION;
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === "") continue;
    if (line === "/quit" || line === "/exit") break;
    const command = /^\/(like|dislike|lift)\s+(.+)$/.exec(line);
    if (command !== null) {
      const [, verb, arg] = command;
      if (verb === "lift") data = applyEdits(data, { lift: { tags: [arg], artists: [arg] } });
      else {
        const n = Number(arg);
        const track = data.exchanges.at(-1)?.tracks[n - 1];
        if (!Number.isInteger(n) || track === undefined) {
          write(`askmusic: /${verb} takes the number of a track of the last answer (1-${data.exchanges.at(-1)?.tracks.length ?? 0}), got "${arg}"`);
          continue;
        }
        data = applyEdits(data, verb === "like" ? { liked: [track.id] } : { disliked: [track.id] });
      }
      write(formatExchange({ ...data, exchanges: [] }));
    } else if (line.startsWith("/")) {
      write(`askmusic: unknown command "${line.split(/\s/)[0]}": use /like N, /dislike N, /lift WORD or /quit`);
      continue;
    } else {
      try {
        data = (await takeTurn(ranker, labeler, data, line, options)).data;
      } catch (err) {
        // A bad line (too long, empty after parsing) ends that turn only, not the conversation.
        if (!(err instanceof InputError)) throw err;
        write(`askmusic: ${err.message}`);
        continue;
      }
      write(formatExchange(data));
    }
    await options.onSave?.(data);
  }
  return data;
}

/** Registers `chat` on the program. */
export function registerChatCommand(program: Command, config: Config): void {
  program
    .command("chat")
    .description("Talk to askmusic over several turns (one per line); each turn shows the constraints, preferences and the top tracks.")
    .option("--catalog <name>", "catalog: jamendo | lastfm-2k", "jamendo")
    .option("--user <id>", "an askmusic user (askmusic users add): their likes and dislikes count, and the conversation is saved")
    .option("-k, --k <n>", "tracks per answer (1-100)", "5")
    .option("--intents <how>", "how intents are read: keyword (instant) | trained (dialogue understanding on cpcd-intent; trained once and cached, minutes the first time)", "keyword")
    .action(async (opts: { catalog: string; user?: string; k: string; intents: string }) => {
      const k = parseIntFlag("-k", opts.k, 1, 100);
      if (opts.intents !== "keyword" && opts.intents !== "trained") throw new InputError(`--intents must be keyword or trained, got "${opts.intents}"`, { field: "intents" });
      const { openBuiltCatalog } = await import("./ask.js");
      const { CatalogRanker } = await import("../../../ranking/catalog-ranker.js");
      const { defaultQueryEncoder, defaultTextEncoder } = await import("../../../representations/default-encoder.js");
      const { openCatalogModel } = await import("../../../ranking/catalog-models.js");
      const { catalogGroups, catalogDescriptions } = await import("../../../ranking/albums.js");
      const { KEYWORD_LABELER } = await import("../../../conversation/session.js");
      const { openStateRepository } = await import("../../../store/state/index.js");
      const readline = await import("node:readline");
      const catalog = await openBuiltCatalog(config, opts.catalog);
      const encoder = defaultQueryEncoder();
      const state = opts.user !== undefined ? await openStateRepository(config) : undefined;
      try {
        let taste: string[] = [];
        let dislikes: string[] = [];
        let save: ((data: ConversationData) => Promise<void>) | undefined;
        if (state !== undefined && opts.user !== undefined) {
          const { NotFoundError } = await import("../../../errors.js");
          if ((await state.getUser(opts.user)) === undefined) throw new NotFoundError("user", opts.user, (await state.listUsers()).map((u) => u.id));
          const records = await state.listFeedback(opts.user, catalog.name);
          taste = records.filter((r) => r.value === 1).map((r) => r.itemId);
          dislikes = records.filter((r) => r.value === -1).map((r) => r.itemId);
          const { randomBytes } = await import("node:crypto");
          const record = await state.createConversation({ id: randomBytes(12).toString("base64url"), userId: opts.user, catalog: catalog.name, data: EMPTY_CONVERSATION as unknown as Record<string, unknown> });
          let version = record.version;
          process.stderr.write(`conversation ${record.id} (saved for ${opts.user})\n`);
          save = async (data) => {
            version = await state.saveConversation(record.id, data as unknown as Record<string, unknown>, version);
          };
        }
        const ranker = await CatalogRanker.open(catalog, encoder, {
          model: await openCatalogModel(config, opts.catalog, "auto"),
          onModelRejected: (reason: string) => process.stderr.write(`askmusic: warning: ${reason}; ranking by text match meanwhile\n`),
          ...((await catalogGroups(config, opts.catalog)) !== undefined ? { groups: (await catalogGroups(config, opts.catalog))! } : {}),
          ...((await catalogDescriptions(config, opts.catalog)) !== undefined ? { describe: (await catalogDescriptions(config, opts.catalog))! } : {}),
        });
        let labeler: UtteranceLabeler = KEYWORD_LABELER;
        if (opts.intents === "trained") {
          const { trainedDialogueUnderstanding } = await import("../../../conversation/understanding/trained.js");
          labeler = await trainedDialogueUnderstanding(config, defaultTextEncoder(config), [], { log: (m) => process.stderr.write(`${m}\n`) });
        }
        if (process.stdin.isTTY) process.stderr.write("say what you want to hear (/like N, /dislike N, /lift WORD, /quit)\n");
        const rl = readline.createInterface({ input: process.stdin, terminal: false });
        await runChat(rl, ranker as CatalogRanker, labeler, (t) => process.stdout.write(`${t}\n`), { k, taste, dislikes, ...(save !== undefined ? { onSave: save } : {}) });
      } finally {
        encoder.dispose?.();
        catalog.close();
        await state?.close();
      }
    });
}
