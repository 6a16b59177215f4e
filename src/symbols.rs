//! Symbol tables: the base image's exports (binary search, as the linker sorts them)
//! and the export tables of loaded extensions (scanned, as Zephyr's: a handful each).

use core::cmp::Ordering;
use core::ffi::{c_char, CStr};

use crate::ffi::types::{llext_const_symbol, llext_symbol};

/// How base-image symbols are matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkBy {
    /// By name (`EXPORT_SYMBOL`).
    Name,
    /// By Symbol Link IDentifier: the first word of each entry is a hash of the name,
    /// and an extension's undefined symbol carries the same hash in `st_value`.
    Slid,
}

/// The C string at `ptr` as bytes (without NUL); empty for NULL.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives `'a`.
pub unsafe fn c_str<'a>(ptr: *const c_char) -> &'a [u8] {
    if ptr.is_null() {
        return &[];
    }
    // SAFETY: caller guarantees a valid NUL-terminated string.
    unsafe { CStr::from_ptr(ptr) }.to_bytes()
}

/// Orders the C string at `ptr` (NULL: empty) against `name` as `c_str(ptr).cmp(name)`
/// would, reading the C string only as far as they agree: lookups compare many table
/// names against one key, and measuring each name first doubled their cost.
///
/// # Safety
/// As [`c_str`].
pub unsafe fn cmp_c_str(ptr: *const c_char, name: &[u8]) -> Ordering {
    if ptr.is_null() {
        return [].as_slice().cmp(name);
    }
    let mut at = ptr.cast::<u8>();
    for &want in name {
        // SAFETY: memory read inside the NUL-terminated string: every byte before this
        // one was non-NUL (and equal to `name`'s).
        let have = unsafe { *at };
        if have != want {
            return if have == 0 { Ordering::Less } else { have.cmp(&want) };
        }
        // SAFETY: `have` was not the NUL, so the string goes on.
        at = unsafe { at.add(1) };
    }
    // SAFETY: as above: `name` matched, so the string has a byte here (maybe its NUL).
    if unsafe { *at } == 0 {
        Ordering::Equal
    } else {
        Ordering::Greater
    }
}

/// How a target build links against the base image (`CONFIG_LLEXT_EXPORT_BUILTINS_BY_SLID`).
pub const BUILD_LINK_BY: LinkBy = if cfg!(feature = "slid") { LinkBy::Slid } else { LinkBy::Name };

/// The base image's export table: binary search when it is sorted (by name, or by
/// SLID), as the module's linker script lays it out; a linear scan otherwise, as
/// Zephyr's loader always does.
pub struct BaseTable {
    entries: &'static [llext_const_symbol],
    by: LinkBy,
    sorted: bool,
}

impl BaseTable {
    /// An empty table.
    pub const fn empty() -> BaseTable {
        BaseTable { entries: &[], by: LinkBy::Name, sorted: true }
    }

    /// Wraps `entries`, noting whether they are sorted.
    ///
    /// # Safety
    /// With `LinkBy::Name`, every entry's name must be NULL or a NUL-terminated string
    /// that lives as long as the table.
    pub unsafe fn new(entries: &'static [llext_const_symbol], by: LinkBy) -> BaseTable {
        let mut table = BaseTable { entries, by, sorted: true };
        table.sorted = entries.windows(2).all(|w| match w {
            [a, b] => match table.link_by() {
                // SAFETY: `new`'s contract: names are valid strings living with the table.
                LinkBy::Name => (unsafe { cmp_c_str(a.name_or_slid as *const c_char, c_str(b.name_or_slid as *const c_char)) }) != Ordering::Greater,
                LinkBy::Slid => a.name_or_slid as usize <= b.name_or_slid as usize,
            },
            _ => true,
        });
        if !table.sorted {
            crate::warn!(c"base export table is not sorted: %lu entries searched one by one", entries.len());
        }
        table
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How the table is keyed. A target build links one way only
    /// (`CONFIG_LLEXT_EXPORT_BUILTINS_BY_SLID`), known at build time, so the other
    /// way's code folds away; host builds test both.
    pub fn link_by(&self) -> LinkBy {
        if cfg!(feature = "std") {
            self.by
        } else {
            BUILD_LINK_BY
        }
    }

    /// Address exported under `key`; `None` if absent or exported as NULL (a syscall
    /// whose implementation is not linked). With duplicates, the first one (in sorted
    /// order, else in table order, as Zephyr's scan).
    pub fn find(&self, key: Key<'_>) -> Option<usize> {
        let order = |e: &llext_const_symbol| match (self.link_by(), key) {
            // SAFETY: `new`'s contract: names are valid strings living with the table.
            (LinkBy::Name, Key::Name(name)) => unsafe { cmp_c_str(e.name_or_slid as *const c_char, name) },
            (LinkBy::Slid, Key::Slid(slid)) => (e.name_or_slid as usize).cmp(&slid),
            // A key of the other kind matches nothing: every entry sorts after it.
            _ => Ordering::Greater,
        };
        let found = if self.sorted {
            // Lower bound, remembering the last match: no compare after the search.
            let (mut lo, mut hi, mut found) = (0usize, self.entries.len(), None);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                match order(self.entries.get(mid)?) {
                    Ordering::Less => lo = mid + 1,
                    Ordering::Equal => (found, hi) = (Some(mid), mid),
                    Ordering::Greater => hi = mid,
                }
            }
            found
        } else {
            self.entries.iter().position(|e| order(e) == Ordering::Equal)
        };
        let e = self.entries.get(found?)?;
        (!e.addr.is_null()).then_some(e.addr as usize)
    }
}

/// What a base-table lookup matches on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key<'a> {
    Name(&'a [u8]),
    Slid(usize),
}

/// Address of `name` in an export table (an extension's, in `.exported_sym` order, or
/// any caller's): the first entry of that name, found by a scan, as Zephyr does.
pub fn find_export(table: &[llext_symbol], name: &[u8]) -> Option<*mut core::ffi::c_void> {
    // SAFETY: names in an export table point into memory that lives as long as the
    // table (the extension's, or the caller's by contract).
    table.iter().find(|s| unsafe { cmp_c_str(s.name, name) } == Ordering::Equal).map(|s| s.addr)
}

/// [`find_export`] for a C caller's NUL-terminated `name`: compared as it is read, with
/// no pass to measure it first. An entry without a name matches nothing (Zephyr's
/// `strcmp` would fault on it).
///
/// # Safety
/// `name` is a NUL-terminated string; the table's names are NULL or such strings.
#[inline(never)] // two C entry points share it
pub unsafe fn find_export_c(table: &[llext_symbol], name: *const c_char) -> Option<*mut core::ffi::c_void> {
    let same = |a: *const u8, b: *const u8| {
        let mut i = 0;
        loop {
            // SAFETY: memory reads of two NUL-terminated strings, up to the first NUL or
            // difference (caller's contract).
            let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
            if x != y || x == 0 {
                return x == y;
            }
            i += 1;
        }
    };
    table.iter().find(|s| !s.name.is_null() && same(s.name.cast(), name.cast())).map(|s| s.addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cmp_c_str` orders exactly as comparing the measured C string does: equal,
    /// prefixes either way, first difference, empty, and NULL.
    #[test]
    fn c_string_order_matches_slice_order() {
        let names: [&CStr; 7] = [c"", c"a", c"ab", c"abc", c"abd", c"b", c"printk"];
        let keys: [&[u8]; 8] = [b"", b"a", b"ab", b"abc", b"abcd", b"abd", b"aa", b"printk"];
        for name in names {
            for key in keys {
                // SAFETY: NUL-terminated literals.
                let (got, want) = unsafe { (cmp_c_str(name.as_ptr(), key), c_str(name.as_ptr()).cmp(key)) };
                assert_eq!(got, want, "{name:?} vs {key:?}");
            }
        }
        for key in keys {
            // SAFETY: NULL reads as the empty string.
            assert_eq!(unsafe { cmp_c_str(core::ptr::null(), key) }, [].as_slice().cmp(key));
        }
    }

    /// Export lookup by a C string: whole names only, NULL names skipped, the first of
    /// duplicates; the same answers as the slice lookup.
    #[test]
    fn export_lookup_by_c_string() {
        let entry = |name: Option<&'static CStr>, addr: usize| llext_symbol {
            name: name.map_or(core::ptr::null(), |n| n.as_ptr()),
            addr: addr as *mut core::ffi::c_void,
        };
        let table = [entry(None, 1), entry(Some(c"abc"), 2), entry(Some(c"ab"), 3), entry(Some(c"ab"), 4), entry(Some(c""), 5)];
        for key in [c"ab", c"abc", c"a", c"abcd", c"", c"b"] {
            // SAFETY: static C strings.
            let got = unsafe { find_export_c(&table, key.as_ptr()) };
            // The slice lookup reads a NULL name as "": compare past that entry.
            assert_eq!(got, find_export(&table[1..], key.to_bytes()), "{key:?}");
        }
        // SAFETY: as above.
        assert_eq!(unsafe { find_export_c(&table, c"ab".as_ptr()) }, Some(3 as *mut core::ffi::c_void));
        assert_eq!(unsafe { find_export_c(&table, c"".as_ptr()) }, Some(5 as *mut core::ffi::c_void));
        assert_eq!(unsafe { find_export_c(&table, c"a".as_ptr()) }, None);
    }

    /// Lookups in sorted (binary search) and unsorted (scan) tables: the first of
    /// duplicates; nothing for an absent name, a NULL export or a key of the other kind.
    #[test]
    fn base_table_lookup() {
        fn table(names: &[&'static CStr], by: LinkBy) -> BaseTable {
            let entries: Vec<llext_const_symbol> = names
                .iter()
                .enumerate()
                .map(|(i, n)| llext_const_symbol {
                    name_or_slid: if by == LinkBy::Name { n.as_ptr() as usize } else { 100 + i / 2 * 10 },
                    addr: if n.is_empty() { core::ptr::null() } else { (0x1000 + i) as *const core::ffi::c_void },
                })
                .collect();
            // SAFETY: the names are static strings; the table is leaked.
            unsafe { BaseTable::new(Vec::leak(entries), by) }
        }
        let sorted = table(&[c"a", c"b", c"b", c"c", c"d", c"e"], LinkBy::Name);
        assert!(sorted.sorted);
        assert_eq!(sorted.find(Key::Name(b"a")), Some(0x1000));
        assert_eq!(sorted.find(Key::Name(b"b")), Some(0x1001));
        assert_eq!(sorted.find(Key::Name(b"e")), Some(0x1005));
        for absent in [b"".as_slice(), b"0", b"bb", b"f"] {
            assert_eq!(sorted.find(Key::Name(absent)), None);
        }
        assert_eq!(sorted.find(Key::Slid(100)), None);
        let unsorted = table(&[c"d", c"b", c"a", c"b"], LinkBy::Name);
        assert!(!unsorted.sorted);
        assert_eq!(unsorted.find(Key::Name(b"b")), Some(0x1001));
        assert_eq!(unsorted.find(Key::Name(b"c")), None);
        let with_null = table(&[c"", c"x"], LinkBy::Name);
        assert_eq!(with_null.find(Key::Name(b"")), None);
        // SLIDs 100, 100, 110, 110: the first of each pair.
        let slids = table(&[c"p", c"q", c"r", c"s"], LinkBy::Slid);
        assert_eq!((slids.find(Key::Slid(100)), slids.find(Key::Slid(110))), (Some(0x1000), Some(0x1002)));
        assert_eq!((slids.find(Key::Slid(105)), slids.find(Key::Name(b"p"))), (None, None));
    }
}
