package seal

import "testing"

func TestSealDetectsEveryByte(t *testing.T) {
	key := []byte("0123456789abcdef")
	data := []byte(`{"amount":"1.00","currency":"CNY"}`)
	mac := Sum(key, data)
	if !Valid(key, data, mac) {
		t.Fatal("a fresh seal is not valid")
	}
	for i := range data {
		edited := append([]byte(nil), data...)
		edited[i] ^= 1
		if Valid(key, edited, mac) {
			t.Fatalf("an edit of byte %d keeps the seal valid", i)
		}
	}
	if Valid([]byte("another key 16 b"), data, mac) {
		t.Fatal("another key validates the seal")
	}
	for _, bad := range []string{"", "zz", mac[:62], mac + "00"} {
		if Valid(key, data, bad) {
			t.Fatalf("malformed seal %q is valid", bad)
		}
	}
}
