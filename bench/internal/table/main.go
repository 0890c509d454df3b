// Command table reads benchstat's CSV output (benchstat -format csv) for
// the benchmarks of this module and prints one Markdown table: for every
// area/path with an "o2okit" side, one row per other side (a peer or a
// limit), with both times, their ratio and the allocations per op of each.
// With -raw (the raw runs, written in rounds where each comparison's sides
// ran back to back), the ratio is the median of the rounds' own ratios,
// which a load on the machine moves less than a ratio of medians.
//
// Benchmarks are named Benchmark<Area>/<path>/<side>: side "o2okit", or
// "peer-…" or "limit-…".
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// targets are the binding whole-path ratios of issue 14.
var targets = map[string]float64{
	"Pricing/whole_path":  1.6,
	"Workflow/whole_path": 1.5,
}

var procs = regexp.MustCompile(`-\d+$`)

func main() {
	rawPath := flag.String("raw", "", "the raw benchmark output, in rounds: the ratio is then the median of each round's ratio")
	flag.Parse()
	var rounds, cpuRounds map[string][]float64
	if *rawPath != "" {
		var err error
		if rounds, cpuRounds, err = readRounds(*rawPath); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	values := map[string]map[string]float64{} // unit → name → value
	var order []string
	seen := map[string]bool{}
	unit := ""
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Split(sc.Text(), ",")
		if len(f) < 2 {
			continue
		}
		if f[0] == "" {
			if f[1] != "" && len(f) > 2 && f[2] == "CI" {
				unit = f[1]
			}
			continue
		}
		if unit == "" || f[0] == "geomean" {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		name := procs.ReplaceAllString(f[0], "")
		if values[unit] == nil {
			values[unit] = map[string]float64{}
		}
		values[unit][name] = v
		if !seen[name] {
			seen[name] = true
			order = append(order, name)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	secs := values["sec/op"]
	if len(secs) == 0 {
		fmt.Fprintln(os.Stderr, "table: no sec/op figures in the input")
		os.Exit(1)
	}
	allocs := values["allocs/op"]
	fmt.Println("| area | path | o2okit | peer or limit | ratio | allocs/op |")
	fmt.Println("|---|---|---|---|---|---|")
	var notes []string
	for _, name := range order {
		area, path, side, ok := split(name)
		if !ok || side != "o2okit" {
			continue
		}
		mine, ok := secs[name]
		if !ok {
			continue
		}
		var others []string
		for _, o := range order {
			a, p, s, ok := split(o)
			if ok && a == area && p == path && s != "o2okit" {
				others = append(others, o)
			}
		}
		for _, o := range others {
			theirs, ok := secs[o]
			if !ok || theirs == 0 {
				continue
			}
			_, _, s, _ := split(o)
			ratio := mine / theirs
			if r, ok := pairedRatio(rounds[name], rounds[o]); ok {
				ratio = r
			}
			fmt.Printf("| %s | %s | %s | %s: %s | %.2f× | %s / %s |\n", strings.ToLower(area), path,
				duration(mine), s, duration(theirs), ratio, count(allocs, name), count(allocs, o))
			if t, ok := targets[area+"/"+path]; ok {
				line := fmt.Sprintf("- %s %s beside %s (target ≤ %.1f×): wall clock %.2f×, %s", strings.ToLower(area), path, s, t, ratio, verdict(ratio, t))
				if r, ok := pairedRatio(cpuRounds[name], cpuRounds[o]); ok {
					line += fmt.Sprintf("; CPU time %.2f×, %s", r, verdict(r, t))
				}
				notes = append(notes, line)
			}
		}
		if rate, ok := values["postings/s"][name]; ok && area == "Settlement" && path == "apply" {
			cpu := ""
			if r, ok := values["postings/cpu-s"][name]; ok {
				cpu = fmt.Sprintf("; per second of CPU time (one core's worth, the collector's work included): %.0f", r)
			}
			notes = append(notes, fmt.Sprintf("- settlement postings per second on one goroutine, hash chain on: %.0f%s (target ≥ 1,000,000)", rate, cpu))
		}
	}
	if len(notes) > 0 {
		fmt.Println()
		fmt.Println("Targets:")
		for _, n := range notes {
			fmt.Println(n)
		}
	}
}

// verdict says whether ratio meets a target of at most target.
func verdict(ratio, target float64) string {
	if ratio > target {
		return "NOT met"
	}
	return "met"
}

// readRounds reads the time per op and, where reported, the CPU time per
// op of every run in the raw output of bench/report, by benchmark name, in
// the order of the rounds.
func readRounds(path string) (wall, cpu map[string][]float64, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	wall, cpu = map[string][]float64{}, map[string][]float64{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := procs.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				wall[name] = append(wall[name], v)
			case "cpu-ns/op":
				cpu[name] = append(cpu[name], v)
			}
		}
	}
	return wall, cpu, nil
}

// pairedRatio is the median over rounds of mine/theirs, each round's pair
// having run back to back: a load that slows one round slows both sides.
// It needs both sides in every round, and at least three rounds.
func pairedRatio(mine, theirs []float64) (float64, bool) {
	if len(mine) != len(theirs) || len(mine) < 3 {
		return 0, false
	}
	r := make([]float64, len(mine))
	for i := range mine {
		if theirs[i] == 0 {
			return 0, false
		}
		r[i] = mine[i] / theirs[i]
	}
	slices.Sort(r)
	if n := len(r); n%2 == 0 {
		return (r[n/2-1] + r[n/2]) / 2, true
	}
	return r[len(r)/2], true
}

// split parses Area/path/side.
func split(name string) (area, path, side string, ok bool) {
	i, j := strings.Index(name, "/"), strings.LastIndex(name, "/")
	if i < 0 || i == j {
		return "", "", "", false
	}
	return name[:i], name[i+1 : j], name[j+1:], true
}

func count(m map[string]float64, name string) string {
	v, ok := m[name]
	if !ok {
		return "?"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func duration(s float64) string {
	switch {
	case s >= 1:
		return fmt.Sprintf("%.3g s", s)
	case s >= 1e-3:
		return fmt.Sprintf("%.3g ms", s*1e3)
	case s >= 1e-6:
		return fmt.Sprintf("%.3g µs", s*1e6)
	}
	return fmt.Sprintf("%.3g ns", s*1e9)
}
