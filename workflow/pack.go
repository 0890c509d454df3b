package workflow

import "strings"

// packer lays out the strings of one decoded snapshot in a single backing
// string, each distinct text once, in the order a restore reads them, so
// that a restore touches a few cache lines instead of one allocation per
// string, and a state name that ends one step and begins the next is the
// same string twice (which a restore may notice by pointer, as a shortcut
// only). It is local to one decoding: nothing is shared between snapshots.
type packer struct {
	ptrs []*string
	seen map[string]int // text → offset in buf
	buf  strings.Builder
	offs []int
}

func (p *packer) add(s *string) {
	if *s != "" {
		p.ptrs = append(p.ptrs, s)
	}
}

func (p *packer) facts(l FactList) {
	for i := range l {
		p.add(&l[i].Name)
		p.add(&l[i].Value)
	}
}

func (p *packer) deadlines(ds []Deadline) {
	for i := range ds {
		p.add(&ds[i].State)
		p.add(&ds[i].For)
	}
}

// done copies every distinct text once into one string and points each
// field at its text there.
func (p *packer) done() {
	n := 0
	for _, s := range p.ptrs {
		n += len(*s)
	}
	p.seen = make(map[string]int, len(p.ptrs))
	p.offs = make([]int, len(p.ptrs))
	p.buf.Grow(n)
	for i, s := range p.ptrs {
		off, ok := p.seen[*s]
		if !ok {
			off = p.buf.Len()
			p.buf.WriteString(*s)
			p.seen[*s] = off
		}
		p.offs[i] = off
	}
	all := p.buf.String()
	for i, s := range p.ptrs {
		*s = all[p.offs[i] : p.offs[i]+len(*s)]
	}
}

// pack re-lays s's strings out together (see packer).
func (s *Snapshot) pack() {
	p := packer{ptrs: make([]*string, 0, 8*len(s.History)+2*len(s.Facts)+2*len(s.Deadlines)+2)}
	p.add(&s.Definition)
	p.add(&s.State)
	for i := range s.History {
		e := &s.History[i]
		p.add(&e.From)
		p.add(&e.Command)
		p.add(&e.Event)
		p.add(&e.To)
		p.add(&e.Actor)
		p.facts(e.Facts)
	}
	p.facts(s.Facts)
	p.deadlines(s.Deadlines)
	for i := range s.Migrations {
		m := &s.Migrations[i]
		p.add(&m.From)
		p.add(&m.To)
		p.facts(m.Facts)
		p.deadlines(m.Deadlines)
	}
	p.done()
}
