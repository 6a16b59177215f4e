//! One small in-place sort for the loader's few sorting needs (export tables, the
//! overlap check, an unsorted base table's index). core's `sort_unstable` costs about
//! 3 KB of Thumb code per instantiation; this heapsort is O(n log n) like it, with no
//! allocation and no recursion, in a few hundred bytes.

/// Sorts `v` so that `less` holds for no later element against an earlier one.
pub fn sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    let mut lt = |v: &[T], a: usize, b: usize| match (v.get(a), v.get(b)) {
        (Some(x), Some(y)) => less(x, y),
        _ => false,
    };
    // Restores the max-heap property below `root` within `v[..end]`.
    let mut sift = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && lt(v, child, child + 1) {
            child += 1;
        }
        if !lt(v, root, child) {
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
