//! One small in-place sort for the loader's few sorting needs (export tables, the
//! overlap check, an unsorted base table's index). core's `sort_unstable` costs about
//! 3 KB of Thumb code per instantiation; this heapsort is O(n log n) like it, with no
//! allocation and no recursion, in a few hundred bytes, compiled once: each caller adds
//! only its compare and swap.

/// Sorts `v` so that `less` holds for no later element against an earlier one.
pub fn sort_by<T>(v: &mut [T], less: impl FnMut(&T, &T) -> bool) {
    heapsort(&mut Slice { v, less });
}

/// What the one heapsort needs of a sequence: generic callers only instantiate these
/// two small methods, not the sort.
trait Sortable {
    fn len(&self) -> usize;
    /// Element `a` sorts before element `b` (false for an index out of range).
    fn less(&mut self, a: usize, b: usize) -> bool;
    fn swap(&mut self, a: usize, b: usize);
}

struct Slice<'a, T, F> {
    v: &'a mut [T],
    less: F,
}

impl<T, F: FnMut(&T, &T) -> bool> Sortable for Slice<'_, T, F> {
    fn len(&self) -> usize {
        self.v.len()
    }
    fn less(&mut self, a: usize, b: usize) -> bool {
        match (self.v.get(a), self.v.get(b)) {
            (Some(x), Some(y)) => (self.less)(x, y),
            _ => false,
        }
    }
    fn swap(&mut self, a: usize, b: usize) {
        if a < self.v.len() && b < self.v.len() {
            self.v.swap(a, b);
        }
    }
}

#[inline(never)]
fn heapsort(v: &mut dyn Sortable) {
    // Restores the max-heap property below `root` within the first `end` elements.
    let sift = |v: &mut dyn Sortable, mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && v.less(child, child + 1) {
            child += 1;
        }
        if !v.less(root, child) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::sort_by;

    #[test]
    fn sorts_like_core() {
        // A deterministic pseudo-random sequence with duplicates, every length to 70.
        let mut x = 12345u32;
        for n in 0..70 {
            let mut v: Vec<u32> = (0..n)
                .map(|_| {
                    x = x.wrapping_mul(1103515245).wrapping_add(12345);
                    (x >> 16) % 20
                })
                .collect();
            let mut want = v.clone();
            want.sort_unstable();
            sort_by(&mut v, |a, b| a < b);
            assert_eq!(v, want, "length {n}");
        }
    }
}
