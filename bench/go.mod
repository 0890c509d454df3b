module github.com/o2okit/o2okit/bench

go 1.24.0

require (
	github.com/govalues/decimal v0.1.36
	github.com/looplab/fsm v1.0.3
	github.com/o2okit/o2okit v0.0.0
	github.com/qmuntal/stateless v1.7.2
	github.com/shopspring/decimal v1.6.0
)

require (
	github.com/gabriel-vasile/mimetype v1.4.10 // indirect
	github.com/go-playground/locales v0.14.1 // indirect
	github.com/go-playground/universal-translator v0.18.1 // indirect
	github.com/go-playground/validator/v10 v10.28.0 // indirect
	github.com/leodido/go-urn v1.4.0 // indirect
	golang.org/x/crypto v0.42.0 // indirect
	golang.org/x/exp v0.0.0-20251125195548-87e1e737ad39 // indirect
	golang.org/x/sys v0.36.0 // indirect
	golang.org/x/text v0.29.0 // indirect
)

replace github.com/o2okit/o2okit => ..
