// Command tour tells one story on the sample rulebook
// (examples/rulebook/rulebook.json), through the Engine: one manufacturer and
// its network of stores and dealers; one order that is routed, checked for
// channel conflicts, priced, split into postings and partly returned; the
// decoration project that order belongs to, from application through its
// construction nodes, the money released node by node, to review; and
// the month's drainage (traffic) costs and every party's statement.
//
// Every figure is computed by the rules; none is typed into the program.
// The terms are explained in docs/glossary.md.
//
//	go run ./examples/tour
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/o2okit/o2okit"
	"github.com/o2okit/o2okit/o2o"
	"github.com/o2okit/o2okit/regions"
)

func main() {
	w := bufio.NewWriter(os.Stdout)
	err := run(w)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tour:", err)
		os.Exit(1)
	}
}

// story is what the tour's chapters share: the rules, the engine, the names
// of regions, and what happened so far.
type story struct {
	w      io.Writer
	dir    string
	rb     *o2okit.Rulebook
	engine *o2okit.Engine
	names  *regions.Registry
	n      int // chapters printed

	order *order // Chen's order, once evaluated and posted
}

func run(w io.Writer) error {
	dir, err := sampleDir()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(dir, "rulebook.json"))
	if err != nil {
		return err
	}
	rb, err := o2okit.LoadRulebook(data)
	if err != nil {
		return err
	}
	engine, err := o2okit.NewEngine(rb)
	if err != nil {
		return err
	}
	s := &story{w: w, dir: dir, rb: rb, engine: engine, names: regions.China()}
	for _, chapter := range []func() error{s.network, s.theOrder, s.theReturn, s.project, s.month} {
		if err := chapter(); err != nil {
			return err
		}
	}
	return nil
}

// sampleDir finds examples/rulebook from the repository root or from
// examples/tour.
func sampleDir() (string, error) {
	for _, dir := range []string{filepath.Join("examples", "rulebook"), filepath.Join("..", "rulebook")} {
		if _, err := os.Stat(filepath.Join(dir, "rulebook.json")); err == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("the sample rulebook is examples/rulebook/rulebook.json: run the tour from the repository root")
}

func (s *story) printf(format string, args ...any) { fmt.Fprintf(s.w, format, args...) }

// say prints a paragraph of narration, wrapped at 80 columns.
func (s *story) say(text string) {
	line := 0
	for i, word := range strings.Fields(text) {
		if i > 0 && line+1+len([]rune(word)) > 80 {
			s.printf("\n")
			line = 0
		} else if i > 0 {
			s.printf(" ")
			line++
		}
		s.printf("%s", word)
		line += len([]rune(word))
	}
	s.printf("\n")
}

func (s *story) chapter(title string) {
	s.n++
	s.printf("\n== %d. %s ==\n\n", s.n, title)
}

// region prints a code with its name from the regions registry.
func (s *story) region(code o2o.RegionCode) string { return s.names.Label(code) }

// indent prefixes every line of text.
func indent(text, prefix string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix) + "\n"
}

// network introduces the manufacturer: its two product lines, its stores and
// the regions they cover, its agents and its dealers.
func (s *story) network() error {
	s.chapter("The manufacturer and its network")
	s.say("A manufacturer of home furnishings sells in two provinces, Guangdong and Zhejiang. " +
		"Its catalog is split into two lines that never overlap (product segregation, 产品区隔): " +
		"the O2O line, which the manufacturer prices itself at one price per province (全省一个价), " +
		"and the dealer line, which traditional dealers price and sell.")
	s.printf("\n")
	cat := s.rb.Catalog()
	for _, line := range o2o.Lines() {
		s.printf("%s line:\n", strings.ToUpper(line.String()))
		for _, p := range cat.Products() {
			if p.Line != line {
				continue
			}
			kind := "goods"
			if p.IsService() {
				kind = "service"
			}
			s.printf("  %-14s %-34s sold per %-5s %s\n", p.SKU, p.Name, p.SaleUnit(), kind)
		}
	}
	cfg := s.rb.Network().Config()
	s.printf("\n")
	s.say("Its own community experience stores serve customers on the ground; a store " +
		"covers regions, and a provincial hub covers a whole province for what the " +
		"local stores cannot do:")
	for _, st := range cfg.Stores {
		var covers []string
		for _, c := range st.Covers {
			covers = append(covers, s.region(c))
		}
		s.printf("  %-14s covers %s\n", st.ID, strings.Join(covers, ", "))
	}
	s.say("Agents are people contracted to a store: a sales or a service specialist, paid by commission.")
	for _, a := range cfg.Agents {
		s.printf("  %-14s %s, attached to %s\n", a.ID, a.Name, a.StoreID)
	}
	s.say("Dealers hold territories. A fused dealer keeps its own line and is compensated for " +
		"O2O sales into its territory; an independent one just keeps its line.")
	for _, d := range cfg.Dealers {
		var terr []string
		for _, c := range d.Territory {
			terr = append(terr, s.region(c))
		}
		s.printf("  %-16s %-11s territory %s\n", d.ID, d.Mode, strings.Join(terr, ", "))
	}
	return nil
}
