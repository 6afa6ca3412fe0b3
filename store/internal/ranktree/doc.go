// Package ranktree is the large encoding of a sorted set: members ordered
// by (score, member bytes) with O(log n) insert, delete, rank, search and
// positioning, plus an O(1) member lookup and a resumable scan cursor.
//
// # Layout
//
// The order lives in a B+tree counted by subtree size (an order-statistic
// tree). Leaves hold up to about 4 KB of entries packed column-wise: the
// scores in a []float64, a 32-bit hash of each member, the end offset of
// each member, and the member bytes back to back in one []byte. There is
// no allocation and no pointer per member, so the garbage collector sees a
// handful of pointers per leaf, and a member costs its bytes plus 16 bytes
// of leaf columns, plus its slot in the member index.
//
// Inner nodes hold, for each child, the number of entries below it and a
// separator: a lower bound of the child's keys (a copy of a key that was
// the child's first when the separator was made). Separators may go stale
// when that key is deleted; they stay valid bounds, which is all searching
// needs. Leaves are linked both ways for iteration.
//
//	inner: counts [120 130 ...]  seps [-, (3,"k"), ...]  kids [*, *, ...]
//	          |                      |
//	leaf: scores [1 1 2 ...] hashes [..] ends [3 7 9 ...] data "abcdefgxy..."
//
// # Member index
//
// Member -> position is an open-addressing table of 64-bit slots holding
// the member's 32-bit hash and the id of the leaf that holds it (leaves
// are numbered; a free list recycles numbers). A lookup probes the slots
// with the member's hash and scans only those leaves' hash column. When
// entries move between leaves (split, merge, redistribution) their slots
// are retargeted. Slots with equal hash and leaf are interchangeable,
// which keeps the retargeting simple when two members share a hash.
//
// The table uses linear probing with backward-shift deletion, so a slot
// never moves before its home bucket (hash & mask) and never past an empty
// slot. Scan walks home buckets in reverse-binary order, as Redis's
// dictScan does, which gives SCAN's guarantee (every member present for
// the whole iteration is returned at least once) across growth and
// shrinking of the table.
//
// A Set is not safe for concurrent use.
package ranktree
