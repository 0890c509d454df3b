package pipeline

import (
	"context"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

func init() {
	register.DoFn4x1[context.Context, string, []byte, func(string), error](&writeFileFn{})
	register.Emitter1[string]()
}

// writeFileFn writes each (name, content) pair to the file Dir/name through
// Beam's filesystems, so Dir may be a local directory or, with the
// filesystem's package imported, gs://… or s3://…. It emits the path.
type writeFileFn struct {
	// Dir is the output directory.
	Dir string `json:"dir"`
}

// ProcessElement writes one file.
func (f *writeFileFn) ProcessElement(ctx context.Context, name string, content []byte, emit func(string)) error {
	path := strings.TrimSuffix(f.Dir, "/") + "/" + name
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, path)
	if err != nil {
		return err
	}
	if _, err := w.Write(content); err != nil {
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	emit(path)
	return nil
}

// WriteFiles writes a PCollection of KV<string, []byte> (file name,
// content) to dir and returns the PCollection of paths written.
func WriteFiles(s beam.Scope, dir string, files beam.PCollection) beam.PCollection {
	return beam.ParDo(s.Scope("WriteFiles"), &writeFileFn{Dir: dir}, files)
}
