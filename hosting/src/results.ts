// Published results on the join page: every competition's ranking per category, public to every
// visitor once an operator has published them; and the visitor's own entries with their rank,
// average and each judge's score and comment (firestore.rules lets only the entrant read those,
// and only after publication). Both follow the competitions live, so results appear as they are
// published.
import {
  collection,
  doc,
  getDoc,
  getDocs,
  onSnapshot,
  orderBy,
  query,
  where,
  type DocumentData,
  type Unsubscribe,
} from "firebase/firestore";

import { element } from "./dom";
import type { Client } from "./firebase";
import { byCategory, rankingLine, rankLine, scoreText, type PublishedResult } from "./judge-view";

function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function publishedResults(client: Client, competitionId: string): Promise<PublishedResult[]> {
  const snapshot = await getDocs(
    query(collection(client.db, "competitions", competitionId, "results"), orderBy("position")),
  );
  return snapshot.docs.map((d) => d.data() as PublishedResult);
}

/** The public results card: each published competition, its categories and their rankings. */
export function startPublicResults(client: Client): Unsubscribe {
  const card = element("results");
  const list = element("results-list");
  let version = 0;
  return onSnapshot(
    query(collection(client.db, "competitions"), where("resultsPublishedAt", "!=", null)),
    (snapshot) => {
      const mine = ++version;
      const competitions = snapshot.docs
        .map((d) => ({ id: d.id, name: String(d.get("name")) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      Promise.all(competitions.map(async (c) => ({ ...c, results: await publishedResults(client, c.id) })))
        .then((loaded) => {
          if (mine !== version) return;
          list.replaceChildren(
            ...loaded.map(({ id, name, results }) => {
              const section = make("section", undefined, "published");
              section.dataset.competitionId = id;
              section.append(make("h3", name));
              if (results.length === 0) section.append(make("p", "Nobody entered.", "hint"));
              for (const group of byCategory(results)) {
                const ranking = make("ol", undefined, "ranking");
                ranking.dataset.category = group.category;
                ranking.append(...group.results.map((r) => make("li", rankingLine(r))));
                section.append(make("h4", group.category), ranking);
              }
              return section;
            }),
          );
          element("no-results").hidden = loaded.length > 0;
          card.dataset.state = "loaded";
        })
        .catch(() => {
          card.dataset.state = "failed";
          element("no-results").textContent = "We could not load the results. Reload the page to try again.";
          element("no-results").hidden = false;
        });
    },
    () => {
      card.dataset.state = "failed";
    },
  );
}

/**
 * The visitor's own entries, each with its competition and, once the results are published, its
 * rank and average and each judge's score and comment (judges are numbered, not named); until
 * then, that the results are not out yet. Follows the entries and their competitions live.
 */
export function startMyEntries(client: Client, uid: string): Unsubscribe {
  const card = element("my-entries");
  const list = element("my-entry-list");
  const followed = new Map<string, { item: HTMLLIElement; stop: Unsubscribe }>();

  const follow = (entryId: string, entry: DocumentData): { item: HTMLLIElement; stop: Unsubscribe } => {
    const item = make("li");
    item.dataset.entryId = entryId;
    // "waiting" or "published" once the competition is read.
    item.dataset.state = "loading";
    const competitionName = make("p", undefined, "hint category");
    const rank = make("p", undefined, "rank");
    const scores = make("ul", undefined, "scores");
    item.append(competitionName, make("h3", `${String(entry.category)} · ${String(entry.title)}`), rank, scores);
    let shown = false;
    const competitionId = String(entry.competitionId);
    const stop = onSnapshot(
      doc(client.db, "competitions", competitionId),
      (competition) => {
        competitionName.textContent = String(competition.get("name") ?? competitionId);
        if (competition.get("resultsPublishedAt") == null) {
          item.dataset.state = "waiting";
          rank.textContent = "Results are not out yet: your scores and rank will appear here when they are published.";
          return;
        }
        if (shown) return;
        shown = true;
        Promise.all([
          getDoc(doc(client.db, "competitions", competitionId, "results", entryId)),
          getDocs(collection(client.db, "entries", entryId, "scores")),
        ])
          .then(([result, judged]) => {
            rank.textContent = result.exists()
              ? rankLine(result.data() as PublishedResult)
              : "The results are out, but this entry is not in them. Contact us.";
            const lines = judged.docs
              .map((d) => ({ score: Number(d.get("score")), comment: String(d.get("comment") ?? "") }))
              .sort((a, b) => b.score - a.score || a.comment.localeCompare(b.comment));
            scores.replaceChildren(
              ...lines.map(({ score, comment }, index) =>
                make("li", `Judge ${index + 1}: ${scoreText(score)}${comment ? ` · “${comment}”` : ""}`),
              ),
            );
            item.dataset.state = "published";
          })
          .catch(() => {
            shown = false;
            rank.textContent = "We could not load your result. Reload the page to try again.";
          });
      },
      () => {
        rank.textContent = "We could not load this entry's competition. Reload the page to try again.";
      },
    );
    return { item, stop };
  };

  const stopEntries = onSnapshot(
    query(collection(client.db, "entries"), where("uid", "==", uid)),
    (snapshot) => {
      const entries = snapshot.docs.sort((a, b) => a.id.localeCompare(b.id));
      for (const entry of entries) {
        if (!followed.has(entry.id)) followed.set(entry.id, follow(entry.id, entry.data()));
      }
      list.replaceChildren(...entries.map((entry) => followed.get(entry.id)?.item).filter((i) => i !== undefined));
      card.hidden = entries.length === 0;
    },
    () => {
      card.hidden = true;
    },
  );
  return () => {
    stopEntries();
    for (const { stop } of followed.values()) stop();
  };
}
