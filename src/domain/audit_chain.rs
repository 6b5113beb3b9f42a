//! R-AUDIT, verifiable: the audit log is a hash chain. Entry `n` stores
//! `hash_n = sha256(hash_{n-1} ‖ canonical JSON of entry n)` (hex), with `hash_0` = 64 zeros, so
//! a row changed, deleted or inserted behind the service's back breaks the chain at that row.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry's hash covers: every column but the row id (its place is `seq`).
#[derive(Debug, Clone, Serialize)]
pub struct Entry<'a> {
    pub seq: i64,
    /// Stored to the microsecond (both engines keep that much).
    pub at: String,
    pub actor_id: Option<i32>,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// The instant as stored and hashed: truncated to microseconds.
pub fn stored_instant(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// The instant's text inside the hashed JSON.
pub fn instant_text(at: DateTime<Utc>) -> String {
    stored_instant(at).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The link's hash: `sha256(prev ‖ canonical JSON of entry)`, lower-case hex. The JSON has the
/// fields in the struct's order, without spaces (serde_json's compact form).
pub fn link_hash(prev: &str, entry: &Entry<'_>) -> String {
    let json = serde_json::to_string(entry).expect("an audit entry is always JSON");
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(json.as_bytes());
    hex::encode(h.finalize())
}

/// A stored entry as the verifier sees it.
#[derive(Debug, Clone)]
pub struct Stored<'a> {
    pub id: i32,
    pub seq: Option<i64>,
    pub prev_hash: Option<&'a str>,
    pub hash: Option<&'a str>,
    pub entry: Entry<'a>,
}

/// The first broken link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The row at which the chain breaks (None: the chain's end, e.g. the last rows deleted).
    pub entry_id: Option<i32>,
    pub seq: Option<i64>,
    /// `content_changed`, `entry_missing`, `entry_inserted`, `tail_missing`.
    pub problem: &'static str,
    pub detail: String,
}

/// Walks the chain one entry at a time (entries in `seq` order, unlinked ones last).
#[derive(Debug, Clone)]
pub struct Walker {
    pub count: u64,
    pub prev: String,
    pub seq: i64,
}

impl Default for Walker {
    fn default() -> Self {
        Self {
            count: 0,
            prev: GENESIS.to_owned(),
            seq: 0,
        }
    }
}

impl Walker {
    /// Checks the next stored entry against the chain so far.
    pub fn step(&mut self, s: &Stored<'_>) -> Result<(), Break> {
        let brk = |problem, detail: String| Break {
            entry_id: Some(s.id),
            seq: s.seq,
            problem,
            detail,
        };
        let (Some(seq), Some(prev), Some(hash)) = (s.seq, s.prev_hash, s.hash) else {
            return Err(brk(
                "entry_inserted",
                "该记录不在哈希链中（绕过系统写入） / the entry has no link: written outside the service"
                    .into(),
            ));
        };
        if seq != self.seq + 1 || prev != self.prev {
            let problem = if seq > self.seq + 1 {
                "entry_missing"
            } else {
                "entry_inserted"
            };
            return Err(brk(
                problem,
                format!(
                    "第 {seq} 条的前一哈希与第 {} 条不符 / entry {seq} does not follow entry {}",
                    self.seq, self.seq
                ),
            ));
        }
        let expected = link_hash(prev, &s.entry);
        if expected != hash {
            return Err(brk(
                "content_changed",
                format!("第 {seq} 条的内容与其哈希不符 / entry {seq}'s content does not match its hash"),
            ));
        }
        self.count += 1;
        self.seq = seq;
        self.prev = hash.to_owned();
        Ok(())
    }

    /// After the last entry: the head must be where the walk ended.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<(), Break> {
        if head_seq != self.seq || head_hash != self.prev {
            return Err(Break {
                entry_id: None,
                seq: Some(self.seq),
                problem: "tail_missing",
                detail: format!(
                    "链头为第 {head_seq} 条，记录只到第 {} 条 / the head is at entry {head_seq}, the entries end at {}",
                    self.seq, self.seq
                ),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, action: &'static str) -> Entry<'static> {
        Entry {
            seq,
            at: "2026-12-06T02:00:00.123456Z".into(),
            actor_id: Some(1),
            actor: "admin",
            action,
            entity: "team",
            entity_id: "7",
            before: None,
            after: Some("{\"name\":\"a\"}"),
        }
    }

    /// A chain of three built the way the service builds it.
    fn chain() -> Vec<(i64, String, String, Entry<'static>)> {
        let mut prev = GENESIS.to_owned();
        let mut out = vec![];
        for (i, a) in ["create", "update", "delete"].into_iter().enumerate() {
            let e = entry(i as i64 + 1, a);
            let h = link_hash(&prev, &e);
            out.push((i as i64 + 1, prev.clone(), h.clone(), e));
            prev = h;
        }
        out
    }

    fn walk(rows: &[(i64, String, String, Entry<'static>)], head: (i64, &str)) -> Result<u64, Break> {
        let mut w = Walker::default();
        for (i, (seq, prev, hash, e)) in rows.iter().enumerate() {
            w.step(&Stored {
                id: i as i32 + 10,
                seq: Some(*seq),
                prev_hash: Some(prev),
                hash: Some(hash),
                entry: e.clone(),
            })?;
        }
        w.finish(head.0, head.1)?;
        Ok(w.count)
    }

    #[test]
    fn an_intact_chain_verifies_r_audit() {
        let c = chain();
        let head = c.last().unwrap().2.clone();
        assert_eq!(walk(&c, (3, &head)), Ok(3));
    }

    #[test]
    fn a_changed_entry_breaks_at_that_entry_r_audit() {
        let mut c = chain();
        let head = c.last().unwrap().2.clone();
        c[1].3.actor = "mallory";
        let b = walk(&c, (3, &head)).unwrap_err();
        assert_eq!((b.entry_id, b.problem), (Some(11), "content_changed"));
    }

    #[test]
    fn a_deleted_entry_and_a_deleted_tail_are_found_r_audit() {
        let c = chain();
        let head = c.last().unwrap().2.clone();
        let without_middle = vec![c[0].clone(), c[2].clone()];
        let b = walk(&without_middle, (3, &head)).unwrap_err();
        assert_eq!(b.problem, "entry_missing");
        let without_last = vec![c[0].clone(), c[1].clone()];
        assert_eq!(
            walk(&without_last, (3, &head)).unwrap_err().problem,
            "tail_missing"
        );
    }

    #[test]
    fn instants_are_hashed_to_the_microsecond() {
        let at = DateTime::parse_from_rfc3339("2026-12-06T02:00:00.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(instant_text(at), "2026-12-06T02:00:00.123456Z");
    }
}
