package channel

import (
	"fmt"
	"testing"
	"time"
)

// TestLeadTreeInvariants inserts keys in ascending, descending and mixed
// order, with replacements, and checks after each insert that the tree is
// an AVL tree (balanced, sorted, sizes right) holding exactly what was put,
// and that the tree before the insert is unchanged.
func TestLeadTreeInvariants(t *testing.T) {
	orders := map[string]func(i int) int{
		"ascending":  func(i int) int { return i },
		"descending": func(i int) int { return 2000 - i },
		"mixed":      func(i int) int { return (i * 7919) % 1500 }, // repeats keys
	}
	for name, key := range orders {
		t.Run(name, func(t *testing.T) {
			var tree *leadTree
			want := map[string]int{}
			for i := range 2000 {
				c := fmt.Sprintf("C-%05d", key(i))
				prev, prevLen := tree, tree.len()
				old, had := prev.get(c)
				tree = tree.put(Lead{Customer: c, At: day(1).Add(timeUnit(i))})
				want[c] = i
				if prev.len() != prevLen {
					t.Fatal("put changed the tree it was given")
				}
				if got, ok := prev.get(c); ok != had || got != old {
					t.Fatal("put changed a value of the tree it was given")
				}
				if i%97 == 0 || i == 1999 {
					checkAVL(t, tree, want)
				}
			}
		})
	}
}

func timeUnit(i int) time.Duration { return time.Duration(i) * time.Second }

func checkAVL(t *testing.T, tree *leadTree, want map[string]int) {
	t.Helper()
	var walk func(n *leadTree, lo, hi string) (int, int)
	walk = func(n *leadTree, lo, hi string) (height, size int) {
		if n == nil {
			return 0, 0
		}
		if (lo != "" && n.lead.Customer <= lo) || (hi != "" && n.lead.Customer >= hi) {
			t.Fatalf("%s out of order", n.lead.Customer)
		}
		lh, ls := walk(n.left, lo, n.lead.Customer)
		rh, rs := walk(n.right, n.lead.Customer, hi)
		if lh-rh > 1 || rh-lh > 1 {
			t.Fatalf("unbalanced at %s: %d/%d", n.lead.Customer, lh, rh)
		}
		height, size = 1+max(lh, rh), 1+ls+rs
		if n.height != height || n.size != size {
			t.Fatalf("%s: height %d/%d size %d/%d", n.lead.Customer, n.height, height, n.size, size)
		}
		return height, size
	}
	if _, size := walk(tree, "", ""); size != len(want) {
		t.Fatalf("size %d, want %d", size, len(want))
	}
	for c, i := range want {
		if l, ok := tree.get(c); !ok || !l.At.Equal(day(1).Add(timeUnit(i))) {
			t.Fatalf("%s: %+v %v", c, l, ok)
		}
	}
}
