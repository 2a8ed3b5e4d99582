package openapi_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	// The generated client's runtime: imported here so go.mod keeps it.
	_ "github.com/oapi-codegen/runtime"

	"github.com/gatehouse-dev/gatehouse/infra/local/emulator"
	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/app"
)

// clientMain signs in and lists users with the client oapi-codegen generated
// from the document; it prints what it got as JSON.
const clientMain = `package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
)

func main() {
	server, username, password, otp, org := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5]
	ctx := context.Background()
	c, err := NewClientWithResponses(server)
	if err != nil {
		panic(err)
	}
	login, err := c.LoginWithResponse(ctx, LoginJSONRequestBody{Username: username, Password: password, Otp: &otp})
	if err != nil || login.JSON200 == nil {
		fmt.Fprintf(os.Stderr, "login: %v %s\n", err, login.Body)
		os.Exit(1)
	}
	bearer := func(ctx context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+login.JSON200.Token)
		return nil
	}
	last := "Pers"
	users, err := c.ListUsersWithResponse(ctx, org, &ListUsersParams{LastName: &last}, bearer)
	if err != nil || users.JSON200 == nil {
		fmt.Fprintf(os.Stderr, "list users: %v %s\n", err, users.Body)
		os.Exit(1)
	}
	none, err := c.ListUsersWithResponse(ctx, "another-org", nil, bearer)
	if err != nil || none.JSON404 == nil {
		fmt.Fprintf(os.Stderr, "list users of another org: %v %d\n", err, none.StatusCode())
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"user": login.JSON200.User.Username, "users": users.JSON200.Items,
		"request_id": users.HTTPResponse.Header.Get("X-Request-Id"), "other_org": none.JSON404.Error.Code})
}
`

// TestGeneratedClientSignsInAndListsUsers generates a Go client from the
// served document with oapi-codegen (a go.mod tool), and uses it against the
// running stack: sign in, list users with a filter, be refused another org.
func TestGeneratedClientSignsInAndListsUsers(t *testing.T) {
	h := stacktest.New(t)
	tin := stacktest.NewTIN()
	username := "client.admin" + tin
	org, _ := h.NewAdminOrg("Client Clinic "+tin, tin, username)

	root, err := emulator.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	// The generated package lives under testdata (ignored by ./...) for the
	// length of the test, inside the module so it builds with go.mod's versions.
	dir, err := os.MkdirTemp(filepath.Join(root, "internal", "openapi", "testdata"), "client-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	doc, err := json.Marshal(app.OpenAPI(h.Stack.APIURL))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "openapi.json"), doc, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(clientMain), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = root
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
		}
		return string(out)
	}
	run("go", "tool", "oapi-codegen", "-generate", "types,client", "-package", "main", "-o", filepath.Join(dir, "client.gen.go"), filepath.Join(dir, "openapi.json"))
	rel, _ := filepath.Rel(root, dir)
	out := run("go", "run", "./"+rel, h.Stack.APIURL, username, "a long admin passphrase", h.OTP(username), org)

	var got struct {
		User  string `json:"user"`
		Users []struct {
			Username string `json:"username"`
			Role     string `json:"role"`
		} `json:"users"`
		RequestID string `json:"request_id"`
		OtherOrg  string `json:"other_org"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("client output %q: %v", out, err)
	}
	if got.User != username || len(got.Users) != 0 && got.Users[0].Username == "" || got.RequestID == "" || got.OtherOrg != "not_found" {
		t.Fatalf("client got %+v", got)
	}
	found := false
	for _, u := range got.Users {
		found = found || u.Username == username && u.Role == "site-admin"
	}
	if !found {
		t.Fatalf("the administrator (last name Person) is not in the filtered list: %+v", got.Users)
	}
}
