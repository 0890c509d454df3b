// Command temporal runs one decoration project on a Temporal server: it
// builds the definitions, starts a worker, starts the project's workflow,
// fires the whole journey as Updates, prints the state the query returns
// and waits for the workflow's end.
//
//	go run . -address localhost:7233
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/o2okit/o2okit/examples/temporal/project"
	flow "github.com/o2okit/o2okit/workflow"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

func main() {
	address := flag.String("address", "localhost:7233", "Temporal frontend host:port")
	namespace := flag.String("namespace", "default", "Temporal namespace")
	id := flag.String("project", fmt.Sprintf("project-%d", os.Getpid()), "project id (the workflow id)")
	flag.Parse()
	if err := run(*address, *namespace, *id); err != nil {
		log.Fatal(err)
	}
}

func run(address, namespace, id string) error {
	// Definitions are built at worker start, outside workflow code.
	reg, err := project.Definitions(false)
	if err != nil {
		return err
	}
	c, err := client.Dial(client.Options{HostPort: address, Namespace: namespace})
	if err != nil {
		return fmt.Errorf("connect to %s: %w", address, err)
	}
	defer c.Close()
	sink := project.NewMemorySink()
	w := worker.New(c, project.TaskQueue, worker.Options{})
	project.Register(w, &project.Host{Registry: reg}, &project.Activities{Sink: sink})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	latest, _ := reg.Latest("decoration")
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: project.TaskQueue}, project.WorkflowName,
		project.Input{ProjectID: id, Definition: latest.Name(), Version: latest.Version()})
	if err != nil {
		return err
	}
	for _, req := range project.Journey(time.Now()) {
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: id, UpdateID: req.ID, UpdateName: project.UpdateFire,
			Args: []any{req}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err != nil {
			return fmt.Errorf("fire %s: %w", req.ID, err)
		}
		var r flow.Result
		if err := h.Get(ctx, &r); err != nil {
			return fmt.Errorf("fire %s: %w", req.ID, err)
		}
		fmt.Printf("%-4s %-18s %s -> %s, %d intents\n", req.ID, req.Event, r.From, r.To, len(r.Intents))
	}
	var st project.State
	if err := run.Get(ctx, &st); err != nil {
		return err
	}
	fmt.Print(st.Mermaid)
	fmt.Println("effects:", sink.Effects())
	return nil
}
