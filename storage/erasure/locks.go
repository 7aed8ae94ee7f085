package erasure

import "sync"

// lockMap hands out per-name read/write locks; entries live only while used.
type lockMap struct {
	mu sync.Mutex
	m  map[string]*nameLock
}

type nameLock struct {
	rw   sync.RWMutex
	refs int
}

func newLockMap() *lockMap { return &lockMap{m: make(map[string]*nameLock)} }

func (l *lockMap) get(name string) *nameLock {
	l.mu.Lock()
	defer l.mu.Unlock()
	nl := l.m[name]
	if nl == nil {
		nl = &nameLock{}
		l.m[name] = nl
	}
	nl.refs++
	return nl
}

func (l *lockMap) put(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if nl := l.m[name]; nl != nil {
		nl.refs--
		if nl.refs == 0 {
			delete(l.m, name)
		}
	}
}

// lock takes the write lock of name and returns its release function.
func (l *lockMap) lock(name string) func() {
	nl := l.get(name)
	nl.rw.Lock()
	return func() { nl.rw.Unlock(); l.put(name) }
}

// rlock takes the read lock of name and returns its release function.
func (l *lockMap) rlock(name string) func() {
	nl := l.get(name)
	nl.rw.RLock()
	return func() { nl.rw.RUnlock(); l.put(name) }
}
