// The judges' page: a judge signs in with the email account an operator appointed (npm run admin --
// judge <email> <competitionId>), sees the competitions they judge and each one's entries, and
// scores each entry 0-10 with a comment, which they may change until judging closes. Scores are
// written straight to Firestore (entries/{id}/scores/{judgeUid}), where firestore.rules checks the
// appointment, the score, the comment and the closing time (docs/contests.md says why no callable).
// Everything is live: a competition whose judging closes, or whose results are published, turns
// read-only as it happens.
import { onAuthStateChanged, signInWithEmailAndPassword, signOut, type User } from "firebase/auth";
import {
  collection,
  doc,
  getDoc,
  getDocs,
  onSnapshot,
  query,
  serverTimestamp,
  setDoc,
  type Timestamp,
  where,
  type DocumentData,
  type Unsubscribe,
} from "firebase/firestore";

import { element, hide, show } from "./dom";
import { connect, type Client } from "./firebase";
import { judgingLine, judgingOpen, parseScore, savedLine, type JudgedCompetition } from "./judge-view";

const SIGN_IN_MESSAGES: Readonly<Record<string, string>> = {
  "auth/invalid-credential": "Wrong email or password.",
  "auth/wrong-password": "Wrong email or password.",
  "auth/user-not-found": "Wrong email or password.",
  "auth/invalid-email": "Enter the email address of your judge's account.",
  "auth/missing-password": "Enter your password.",
  "auth/too-many-requests": "Too many tries. Wait a few minutes and try again.",
};

function codeOf(error: unknown): string | undefined {
  // Checked by shape: the SDKs' errors are not always instances of FirebaseError.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function competitionOf(id: string, data: DocumentData): JudgedCompetition {
  return {
    id,
    name: String(data.name),
    categories: (data.categories as string[] | undefined) ?? [],
    judgingClosesAtMs: (data.judgingClosesAt as Timestamp).toMillis(),
    resultsPublished: data.resultsPublishedAt != null,
  };
}

/** Builds an element with text and attributes (no HTML strings: entries are other people's words). */
function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The competitions `uid` is appointed to: their membership documents are the only ones they may get. */
async function judgedCompetitions(client: Client, uid: string): Promise<string[]> {
  const all = await getDocs(collection(client.db, "competitions"));
  const appointed = await Promise.all(
    all.docs.map(async (c) =>
      (await getDoc(doc(client.db, "competitions", c.id, "judges", uid))).exists() ? c.id : "",
    ),
  );
  return appointed.filter((id) => id !== "");
}

interface EntryCard {
  readonly item: HTMLLIElement;
  readonly score: HTMLInputElement;
  readonly comment: HTMLTextAreaElement;
  readonly save: HTMLButtonElement;
  readonly saved: HTMLParagraphElement;
  readonly error: HTMLParagraphElement;
  /** The judge's saved score, as Firestore has it. */
  savedScore: number | undefined;
  /** The form has been filled from the saved score once (later snapshots do not overwrite typing). */
  filled: boolean;
}

/** One competition's section: its judging state and its entries, each with the judge's score form. */
function followCompetition(client: Client, uid: string, competitionId: string, into: HTMLElement): Unsubscribe[] {
  const failed = (): void => {
    show("problem", "We lost the connection to this competition's entries. Reload the page.");
  };
  const section = make("section", { class: "card judged", "data-competition-id": competitionId });
  const title = make("h2");
  const state = make("p", { class: "judging-state" });
  const empty = make("p", { class: "hint" }, "No entries yet.");
  const list = make("ol", { class: "entries" });
  section.append(title, state, empty, list);
  into.append(section);

  let competition: JudgedCompetition | undefined;
  const cards = new Map<string, EntryCard>();
  const scoreStops = new Map<string, Unsubscribe>();
  let closer: ReturnType<typeof setTimeout> | undefined;

  const render = (): void => {
    if (!competition) return;
    const open = judgingOpen(competition, Date.now());
    title.textContent = competition.name;
    state.textContent = judgingLine(competition, Date.now());
    section.dataset.judging = open ? "open" : "closed";
    for (const card of cards.values()) {
      card.score.disabled = !open;
      card.comment.disabled = !open;
      card.save.hidden = !open;
      card.save.textContent = card.savedScore === undefined ? "Save score" : "Update score";
      card.saved.textContent = savedLine(card.savedScore, open);
      card.item.dataset.scored = card.savedScore === undefined ? "no" : "yes";
    }
    // Judging closes at a time: the page turns read-only then, without a reload.
    if (closer !== undefined) clearTimeout(closer);
    const left = competition.judgingClosesAtMs - Date.now();
    if (open && left < 2 ** 31 - 1) closer = setTimeout(render, left + 1_000);
  };

  const cardFor = (entryId: string, entry: DocumentData): EntryCard => {
    const item = make("li", { "data-entry-id": entryId });
    item.append(make("p", { class: "hint category" }, String(entry.category)), make("h3", {}, String(entry.title)));
    const link = String(entry.link);
    if (link.startsWith("https://")) {
      const line = make("p", { class: "link" });
      line.append(make("a", { href: link, target: "_blank", rel: "noopener noreferrer" }, "Watch or listen"));
      item.append(line);
    }
    item.append(make("p", { class: "description" }, String(entry.description)));
    const form = make("form", { class: "score-form", novalidate: "" });
    const scoreId = `score-${entryId}`;
    const commentId = `comment-${entryId}`;
    const score = make("input", {
      id: scoreId,
      name: "score",
      type: "number",
      inputmode: "numeric",
      min: "0",
      max: "10",
      step: "1",
      required: "",
    });
    const comment = make("textarea", { id: commentId, name: "comment", maxlength: "2000", rows: "3" });
    const save = make("button", { type: "submit", class: "save" }, "Save score");
    const saved = make("p", { class: "saved hint" });
    const error = make("p", { class: "error", role: "alert" });
    error.hidden = true;
    form.append(
      make("label", { for: scoreId }, "Your score (0 to 10)"),
      score,
      make("label", { for: commentId }, "Your comment for the entrant"),
      comment,
      save,
      saved,
      error,
    );
    item.append(form);
    const card: EntryCard = { item, score, comment, save, saved, error, savedScore: undefined, filled: false };

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      error.hidden = true;
      const parsed = parseScore(score.value, comment.value);
      if (!parsed.ok) {
        error.textContent = parsed.message;
        error.hidden = false;
        return;
      }
      save.disabled = true;
      saved.textContent = "Saving…";
      setDoc(doc(client.db, "entries", entryId, "scores", uid), {
        competitionId,
        score: parsed.score,
        comment: parsed.comment,
        updatedAt: serverTimestamp(),
      })
        .then(() => {
          card.savedScore = parsed.score;
          render();
        })
        .catch((failure: unknown) => {
          error.textContent =
            codeOf(failure) === "permission-denied"
              ? "Judging has closed for this competition: scores can no longer be changed."
              : "We could not save your score. Check your connection and try again.";
          error.hidden = false;
          render();
        })
        .finally(() => {
          save.disabled = false;
        });
    });
    return card;
  };

  const stops: Unsubscribe[] = [
    onSnapshot(
      doc(client.db, "competitions", competitionId),
      (snapshot) => {
        const data = snapshot.data();
        if (data) competition = competitionOf(competitionId, data);
        render();
      },
      failed,
    ),
    // The rules let a judge list the entries of their competition (and no other).
    onSnapshot(
      query(collection(client.db, "entries"), where("competitionId", "==", competitionId)),
      (snapshot) => {
        const entries = snapshot.docs
          .map((d) => ({ id: d.id, data: d.data() }))
          .sort(
            (a, b) =>
              String(a.data.category).localeCompare(String(b.data.category)) ||
              String(a.data.title).localeCompare(String(b.data.title)) ||
              a.id.localeCompare(b.id),
          );
        for (const { id, data } of entries) {
          if (cards.has(id)) continue;
          const card = cardFor(id, data);
          cards.set(id, card);
          // The judge's own score of this entry, live: the one document they may read.
          scoreStops.set(
            id,
            onSnapshot(
              doc(client.db, "entries", id, "scores", uid),
              (score) => {
                const value = score.get("score") as number | undefined;
                if (!score.metadata.hasPendingWrites) card.savedScore = value;
                if (!card.filled && score.exists()) {
                  card.score.value = String(value);
                  card.comment.value = String(score.get("comment") ?? "");
                  card.filled = true;
                }
                render();
              },
              failed,
            ),
          );
        }
        list.replaceChildren(...entries.map(({ id }) => cards.get(id)?.item).filter((item) => item !== undefined));
        empty.hidden = entries.length > 0;
        section.dataset.entries = String(entries.length);
        render();
      },
      failed,
    ),
  ];
  return [...stops, () => scoreStops.forEach((stop) => stop()), () => clearTimeout(closer)];
}

function startJudging(client: Client): void {
  const signInForm = element("judge-sign-in", HTMLFormElement);
  const judging = element("judging");
  const list = element("competitions");
  let stops: Unsubscribe[] = [];

  const load = async (user: User): Promise<void> => {
    judging.dataset.state = "loading";
    show("judging-loading");
    hide("not-judge");
    const ids = await judgedCompetitions(client, user.uid);
    hide("judging-loading");
    list.replaceChildren();
    if (ids.length === 0) {
      show("not-judge");
      judging.dataset.state = "not-judge";
      return;
    }
    for (const id of ids) stops.push(...followCompetition(client, user.uid, id, list));
    judging.dataset.state = "loaded";
  };

  onAuthStateChanged(client.auth, (user) => {
    for (const stop of stops) stop();
    stops = [];
    list.replaceChildren();
    hide("problem");
    // A judge is an email account; the anonymous visitor of the other pages is shown the sign-in.
    const judge = user !== null && !user.isAnonymous;
    signInForm.hidden = judge;
    element("sign-out").hidden = !judge;
    element("session").textContent = user
      ? user.isAnonymous
        ? `anonymous visitor ${user.uid}`
        : `signed in as ${user.email ?? user.uid}`
      : "not signed in";
    if (!user) {
      hide("judging-loading");
      hide("not-judge");
      judging.dataset.state = "signed-out";
      return;
    }
    load(user).catch((error: unknown) => {
      hide("judging-loading");
      judging.dataset.state = "failed";
      show("problem", `We could not load your competitions: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  signInForm.addEventListener("submit", (event) => {
    event.preventDefault();
    hide("judge-sign-in-error");
    const button = element("judge-sign-in-button", HTMLButtonElement);
    button.disabled = true;
    signInWithEmailAndPassword(
      client.auth,
      element("judge-email", HTMLInputElement).value.trim(),
      element("judge-password", HTMLInputElement).value,
    )
      .catch((error: unknown) => {
        const code = codeOf(error);
        const message = code === undefined ? undefined : SIGN_IN_MESSAGES[code];
        if (message === undefined) console.warn("judge sign-in failed", error);
        show("judge-sign-in-error", message ?? "Sign-in failed. Check your connection and try again.");
      })
      .finally(() => {
        button.disabled = false;
      });
  });

  element("sign-out").addEventListener("click", () => {
    void signOut(client.auth);
  });
}

try {
  startJudging(await connect());
} catch (error) {
  show("problem", `We could not start a secure session: ${error instanceof Error ? error.message : String(error)}`);
}
