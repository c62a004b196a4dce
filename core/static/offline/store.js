// The queue of forms filled without a network, kept in this browser (IndexedDB,
// database "anjuan-offline", store "queue"). One record per submit:
//
//   { key,        the record's id: the form's idempotency key (`_key`), which makes
//                 sending it twice apply once; another id when a second record carries
//                 the same `_key` (a form whose submit failed twice on the network,
//                 with different entries: sw.js)
//     user,       who filled it in (the page's <meta name="anjuan-user">); a user sees
//                 and sends only their own records
//     seq,        the order it was filled in; sent in this order
//     kind,       "action" | "new"
//     url,        the form's address (/cases/{id}/actions/{action} or /cases/new)
//     caseId, number, title,   what to show in the list
//     version,    the case version the user saw (`_version`), for a 409 if it moved
//     takenAt,    when the user pressed submit, by this device's clock (`_taken_at`)
//     entries,    the form's fields: [name, text] or [name, {file: Blob, name, type}]
//     status,     "queued" | "sending" | "done" | "conflict" | "refused" | "opened"
//     message, doneUrl, sentAt }
//
// Records of a user stay until that user sends them or drops them; "done" records are
// deleted when that user signs out.
const DB = "anjuan-offline";
const STORE = "queue";

let opened = null;

function db() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const r = indexedDB.open(DB, 1);
      r.onupgradeneeded = () => {
        const s = r.result.createObjectStore(STORE, { keyPath: "key" });
        s.createIndex("user", "user");
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  }
  return opened;
}

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(mode, fn) {
  const d = await db();
  const t = d.transaction(STORE, mode);
  const out = await fn(t.objectStore(STORE));
  await new Promise((resolve, reject) => {
    t.oncomplete = resolve;
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
  return out;
}

/** A user's records, in the order they were filled in. */
export async function list(user) {
  const all = await tx("readonly", (s) => done(s.index("user").getAll(user)));
  return all.sort((a, b) => a.seq - b.seq);
}

/** Adds a record (its `seq` is set here: after every record already kept). */
export async function add(item) {
  return tx("readwrite", async (s) => {
    const all = await done(s.getAll());
    item.seq = all.reduce((m, x) => Math.max(m, x.seq), 0) + 1;
    await done(s.add(item));
    return item;
  });
}

/** Writes `changes` into the record `key`; returns the record, or null if it is gone. */
export async function update(key, changes) {
  return tx("readwrite", async (s) => {
    const item = await done(s.get(key));
    if (!item) return null;
    Object.assign(item, changes);
    await done(s.put(item));
    return item;
  });
}

export async function get(key) {
  return tx("readonly", (s) => done(s.get(key)));
}

export async function remove(key) {
  return tx("readwrite", (s) => done(s.delete(key)));
}

/** How many of a user's records still wait (everything not sent). */
export async function waiting(user) {
  return (await list(user)).filter((i) => i.status !== "done").length;
}

/** Deletes a user's sent records (at sign-out). */
export async function forgetSent(user) {
  for (const i of await list(user)) if (i.status === "done") await remove(i.key);
}
