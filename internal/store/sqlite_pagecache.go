package store

import (
	"runtime"
	"sync"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite's page cache memory. In WAL mode a connection empties its whole
// page cache at the start of every read transaction that follows a
// commit by any connection, and a node commits many times a second (every
// search is audited). Each emptying freed every cached page to the C
// allocator, which handed memory back to the kernel (madvise) and took it
// again at the next transaction: a seventh of the node's CPU under load.
// A fixed pool of page slots (SQLITE_CONFIG_PAGECACHE) is reused instead;
// when it runs out, SQLite falls back to the allocator as before.
const (
	// pageCacheSlots is the number of page slots shared by every SQLite
	// connection of the process: 8,192 × ~4.5 KiB, about 37 MiB of
	// address space, touched only as pages are cached.
	pageCacheSlots = 8192
	// pageCachePage is the database page size the slots fit (SQLite's
	// default, which Childcentre never changes). Pages of a larger size
	// would simply not use the slots.
	pageCachePage = 4096
)

var pageCacheOnce sync.Once

// configurePageCache installs the pool of page slots. It must run before
// SQLite is initialised (at the first connection opened in the process);
// after that SQLite refuses the setting and keeps its allocator, which
// is slower but correct, so a refusal is not an error.
func configurePageCache() {
	pageCacheOnce.Do(func() {
		tls := libc.NewTLS()
		defer tls.Close()
		// The room each slot needs beyond the page: SQLite's headers.
		// (A heap variable: the Go heap does not move, a stack might.)
		hdr := new(int32)
		ok := sqliteConfig(tls, sqlite3.SQLITE_CONFIG_PCACHE_HDRSZ, uintptr(unsafe.Pointer(hdr)))
		runtime.KeepAlive(hdr)
		if !ok || *hdr <= 0 {
			return
		}
		slot := (pageCachePage + int(*hdr) + 7) &^ 7
		// Off the Go heap: SQLite keeps its own pointers into the slots
		// for the life of the process.
		buf := libc.Xmalloc(tls, types.Size_t(slot*pageCacheSlots))
		if buf == 0 {
			return
		}
		if !sqliteConfig(tls, sqlite3.SQLITE_CONFIG_PAGECACHE, buf, int32(slot), int32(pageCacheSlots)) {
			libc.Xfree(tls, buf)
		}
	})
}

// sqliteConfig calls sqlite3_config(op, args...) and reports whether
// SQLite accepted it.
func sqliteConfig(tls *libc.TLS, op int32, args ...any) bool {
	va := libc.NewVaList(args...)
	if va == 0 {
		return false
	}
	defer libc.Xfree(tls, va)
	return sqlite3.Xsqlite3_config(tls, op, va) == sqlite3.SQLITE_OK
}
