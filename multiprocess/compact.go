package multiprocess

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// compact folds the files of dead processes into the compacted file and deletes them. The
// caller holds the directory lock.
//
// The sequence is safe against a crash at any point. The new compacted file is written under
// a temporary name, synced, and renamed over the old one; it lists the names of the files it
// includes. Only then are those files deleted. A crash before the rename leaves the old state;
// a crash after it leaves files that the next collection finds in the list, skips and deletes.
// So values are never lost nor counted twice, and because the collections that read the
// directory hold the same lock, none sees a dead process both in its file and in the
// compacted one, or in neither.
func (c *Collector) compact(dead []*view, present map[string]bool) error {
	c.gen++
	gen := c.gen
	var touched []*aggSeries
	for i := range c.comp.entries {
		e := &c.comp.entries[i]
		if e.s.add(e.vals, gen) {
			touched = append(touched, e.s)
		}
	}
	for _, v := range dead {
		c.apply(v, gen, &touched) // leaves out the gauges of the live modes
	}
	folded := make([]string, 0, len(dead)+len(c.comp.folded))
	for name := range c.comp.folded {
		if present[name] { // names of deleted files can go: a file name never comes back
			folded = append(folded, name)
		}
	}
	for _, v := range dead {
		folded = append(folded, v.name)
	}
	slices.Sort(folded)
	buf := encodeCompacted(touched, folded)

	tmp, err := os.CreateTemp(c.dir, tmpPrefix+"compacted-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(buf)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	path := filepath.Join(c.dir, compactedName)
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	syncDir(c.dir)
	for _, v := range dead {
		os.Remove(filepath.Join(c.dir, v.name)) // a failure is retried: the name is in the list
		v.close()
		delete(c.views, v.name)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("compacted file vanished after renaming: %w", err)
	}
	c.comp = c.parseCompacted(buf)
	c.comp.mark, c.comp.present = markOf(fi), true
	c.prune()
	return nil
}

// prune forgets the series that no file holds any more, such as the series of mode liveall of
// the processes just compacted away, so that the collector's memory and the cost of a
// collection do not grow with the processes that came and went.
func (c *Collector) prune() {
	keep := make(map[*aggSeries]bool)
	for _, e := range c.comp.entries {
		keep[e.s] = true
	}
	for _, v := range c.views {
		for _, r := range v.recs {
			keep[r.s] = true
		}
	}
	for _, f := range c.fams {
		if f == nil {
			continue
		}
		for k, s := range f.series {
			if !keep[s] {
				delete(f.series, k)
				f.dirty = true
			}
		}
	}
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// encodeCompacted returns the content of a compacted file holding the accumulated values of
// the series and the names of the folded files.
func encodeCompacted(series []*aggSeries, folded []string) []byte {
	slices.SortFunc(series, func(a, b *aggSeries) int {
		if n := strings.Compare(a.fam.info.name, b.fam.info.name); n != 0 {
			return n
		}
		if n := slices.Compare(a.labels, b.labels); n != 0 {
			return n
		}
		return int(a.pid) - int(b.pid)
	})
	buf := make([]byte, headerSize, headerSize+64*len(series))
	putHeader(buf, kindCompacted, 0, time.Now().UnixNano())
	add := func(kind uint16, key []byte, vals []uint64) {
		off := len(buf)
		buf = append(buf, make([]byte, recordSize(len(key), len(vals)))...)
		putRecord(buf[off:], kind, key, len(vals))
		slots := len(buf) - 8*len(vals)
		for i, v := range vals {
			binary.LittleEndian.PutUint64(buf[slots+8*i:], v)
		}
	}
	ordinals := make(map[*aggFamily]int)
	var vals []uint64
	for _, s := range series {
		ord, ok := ordinals[s.fam]
		if !ok {
			ord = len(ordinals)
			ordinals[s.fam] = ord
			add(recFamily, encodeFamily(s.fam.info), nil)
		}
		vals = s.slots(vals[:0])
		add(recSeries, encodeSeries(nil, ord, s.pid, s.labels[:len(s.fam.info.labels)]), vals)
	}
	for _, name := range folded {
		add(recFolded, appendString(nil, name), nil)
	}
	binary.LittleEndian.PutUint64(buf[offCommitted:], uint64(len(buf)))
	return buf
}

// loadCompacted reads the compacted file when it has changed since the last collection.
func (c *Collector) loadCompacted() {
	path := filepath.Join(c.dir, compactedName)
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			c.comp = compactedState{}
		}
		return
	}
	if c.comp.present && markOf(fi) == c.comp.mark {
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	c.comp = c.parseCompacted(data)
	c.comp.mark, c.comp.present = markOf(fi), true
}

// parseCompacted reads the content of a compacted file. A damaged file is used up to its first
// damaged record, and counted.
func (c *Collector) parseCompacted(data []byte) compactedState {
	st := compactedState{folded: make(map[string]bool)}
	h, err := parseHeader(data)
	if err != nil || h.kind != kindCompacted {
		st.skipped = true
		return st
	}
	cm := binary.LittleEndian.Uint64(data[offCommitted:])
	if cm < headerSize || cm > uint64(len(data)) {
		st.skipped = true
		return st
	}
	var fams []*aggFamily
	liveOnly := 0
	_, bad, _ := c.scanRecords(data[:cm], headerSize, 0, true, &fams,
		func(s *aggSeries, r record) {
			vals := make([]uint64, r.nslots)
			for i := range vals {
				vals[i] = binary.LittleEndian.Uint64(data[r.slots+8*i:])
			}
			if s.fam.info.liveOnly() {
				liveOnly++ // never folded: not valid here
				return
			}
			st.entries = append(st.entries, compactedEntry{s, vals})
		},
		func(name string) { st.folded[name] = true })
	st.bad = bad + liveOnly
	return st
}
