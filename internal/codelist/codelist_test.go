package codelist_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/gatehouse-dev/gatehouse/infra/local/stack/stacktest"
	"github.com/gatehouse-dev/gatehouse/internal/codelist"
	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// office is an org with its signed-in first site administrator.
type office struct {
	id    string
	admin stacktest.Member
}

func newOffice(h *stacktest.Harness, name string) office {
	h.T.Helper()
	username := fmt.Sprintf("admin.%d", time.Now().UnixNano())
	id, tok := h.NewAdminOrg(name, stacktest.NewTIN(), username)
	return office{id: id, admin: stacktest.Member{Username: username, Token: tok}}
}

func (o office) codes(kind string) string { return "/v1/orgs/" + o.id + "/code-lists/" + kind }

func items(r stacktest.Reply) []map[string]any {
	raw, _ := r.Body["items"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, x := range raw {
		out = append(out, x.(map[string]any))
	}
	return out
}

func codesOf(r stacktest.Reply) []string {
	var out []string
	for _, it := range items(r) {
		out = append(out, it["code"].(string))
	}
	return out
}

func TestAddListSearchDelete(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(h, "Codes Clinic")
	add := func(kind, code, desc string) stacktest.Reply {
		return h.Do("POST", o.codes(kind), map[string]string{"code": code, "description": desc}, o.admin.Auth()...)
	}
	for _, c := range [][2]string{{"E11.9", "Type 2 diabetes mellitus without complications"}, {"I10", "Essential (primary) hypertension"},
		{"J06.9", "Acute upper respiratory infection"}, {"E78.5", "Hyperlipidemia, unspecified"}} {
		if r := add("diagnosis", c[0], c[1]); r.Status != 201 || r.Body["code"] != c[0] || r.Body["kind"] != "diagnosis" {
			t.Fatalf("add %s: %d %s", c[0], r.Status, r.Raw)
		}
	}
	if r := add("payers", " 60054 ", "Aetna"); r.Status != 201 || r.Body["code"] != "60054" {
		t.Fatalf("add payer: %d %s", r.Status, r.Raw)
	}

	refusals := []struct {
		name        string
		kind        string
		body        map[string]string
		status      int
		code, field string
	}{
		{"same code again, other case", "diagnosis", map[string]string{"code": "e11.9", "description": "again"}, 409, "code_exists", ""},
		{"no code", "diagnosis", map[string]string{"description": "x"}, 400, "validation_failed", "code"},
		{"code with a space", "billing", map[string]string{"code": "99 213", "description": "x"}, 400, "validation_failed", "code"},
		{"no description", "billing", map[string]string{"code": "99213"}, 400, "validation_failed", "description"},
		{"unknown list", "procedures", map[string]string{"code": "1", "description": "x"}, 404, "code_list_not_found", ""},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			r := add(tc.kind, tc.body["code"], tc.body["description"])
			if r.Status != tc.status || r.ErrCode() != tc.code || tc.field != "" && r.Field(tc.field) == "" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	// The same code in another list of the office is another code.
	if r := add("billing", "I10", "not a diagnosis"); r.Status != 201 {
		t.Fatalf("same code, other list: %d %s", r.Status, r.Raw)
	}

	list := func(query string) stacktest.Reply {
		return h.Do("GET", o.codes("diagnosis")+"?"+query, nil, o.admin.Auth()...)
	}
	pages := []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"everything in code order", url.Values{}, []string{"E11.9", "E78.5", "I10", "J06.9"}},
		{"by code", url.Values{"q": {"e11"}}, []string{"E11.9"}},
		{"by a word of the description", url.Values{"q": {"HYPER"}}, []string{"E78.5", "I10"}},
		{"nothing matches", url.Values{"q": {"fracture"}}, nil},
	}
	for _, tc := range pages {
		t.Run(tc.name, func(t *testing.T) {
			r := list(tc.query.Encode())
			if r.Status != 200 || fmt.Sprint(codesOf(r)) != fmt.Sprint(tc.want) || r.Body["next_cursor"] != nil {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	// Paging: two by two, then the last page has no cursor.
	first := list("limit=2")
	next, _ := first.Body["next_cursor"].(string)
	if fmt.Sprint(codesOf(first)) != "[E11.9 E78.5]" || next == "" {
		t.Fatalf("first page: %s", first.Raw)
	}
	second := list("limit=2&cursor=" + url.QueryEscape(next))
	if fmt.Sprint(codesOf(second)) != "[I10 J06.9]" {
		t.Fatalf("second page: %s", second.Raw)
	}
	if r := list("cursor=bogus"); r.Status != 400 || r.ErrCode() != "invalid_cursor" {
		t.Fatalf("forged cursor: %d %s", r.Status, r.Raw)
	}
	// A cursor of another list does not page into it.
	payers := h.Do("GET", o.codes("payers")+"?limit=1", nil, o.admin.Auth()...)
	if payers.Body["next_cursor"] != nil {
		t.Fatalf("one payer, no next page: %s", payers.Raw)
	}

	if r := h.Do("DELETE", o.codes("diagnosis")+"/e78.5", nil, o.admin.Auth()...); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	if r := h.Do("DELETE", o.codes("diagnosis")+"/E78.5", nil, o.admin.Auth()...); r.Status != 404 || r.ErrCode() != "code_not_found" {
		t.Fatalf("delete twice: %d %s", r.Status, r.Raw)
	}
	if got := codesOf(list("")); fmt.Sprint(got) != "[E11.9 I10 J06.9]" {
		t.Fatalf("after delete: %v", got)
	}

	audit := h.Do("GET", "/v1/orgs/"+o.id+"/audit", nil, o.admin.Auth()...)
	actions := map[string]int{}
	for _, e := range items(audit) {
		actions[e["action"].(string)]++
	}
	if actions[codelist.ActionCodeAdd] != 6 || actions[codelist.ActionCodeDelete] != 1 {
		t.Fatalf("audit: %v", actions)
	}
}

func TestCodeListRefusals(t *testing.T) {
	h := stacktest.New(t)
	o := newOffice(h, "Refusing Clinic")
	other := newOffice(h, "Other Clinic")
	if r := h.Do("POST", other.codes("billing"), map[string]string{"code": "99213", "description": "Office visit"}, other.admin.Auth()...); r.Status != 201 {
		t.Fatalf("seed other office: %d %s", r.Status, r.Raw)
	}
	portalUser := h.AddMember(o.id, o.admin.Token, fmt.Sprintf("pu%d", time.Now().UnixNano()), "portal-user", "org")
	provAdmin := h.AddMember(o.id, o.admin.Token, fmt.Sprintf("pa%d", time.Now().UnixNano()), "provider-admin", "provider:1234567893")
	officeAdmin := h.AddMember(o.id, o.admin.Token, fmt.Sprintf("oa%d", time.Now().UnixNano()), "provider-admin", "org")

	body := map[string]string{"code": "99214", "description": "Office visit, moderate"}
	cases := []struct {
		name         string
		who          stacktest.Member
		method, path string
		status       int
		code         string
	}{
		{"portal user cannot read (code_lists none)", portalUser, "GET", o.codes("billing"), 403, "insufficient_privilege"},
		{"portal user cannot add", portalUser, "POST", o.codes("billing"), 403, "insufficient_privilege"},
		{"provider-scoped administrator reads", provAdmin, "GET", o.codes("billing"), 200, ""},
		{"provider-scoped administrator cannot add office-wide codes", provAdmin, "POST", o.codes("billing"), 403, "scope_too_narrow"},
		{"provider-scoped administrator cannot delete", provAdmin, "DELETE", o.codes("billing") + "/99213", 403, "scope_too_narrow"},
		{"another office's list is not found", o.admin, "GET", other.codes("billing"), 404, "not_found"},
		{"another office's code cannot be deleted", o.admin, "DELETE", other.codes("billing") + "/99213", 404, "not_found"},
		{"office-wide provider administrator adds", officeAdmin, "POST", o.codes("billing"), 201, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.Do(tc.method, tc.path, body, tc.who.Auth()...)
			if r.Status != tc.status || r.ErrCode() != tc.code {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	if r := h.Do("GET", other.codes("billing"), nil, other.admin.Auth()...); len(items(r)) != 1 {
		t.Fatalf("other office's list changed: %s", r.Raw)
	}
	if r := h.Do("GET", o.codes("billing"), nil); r.Status != 401 {
		t.Fatalf("no session: %d %s", r.Status, r.Raw)
	}
}

func TestCopyCodesBetweenOffices(t *testing.T) {
	h := stacktest.New(t)
	from := newOffice(h, "Copy From Clinic")
	to := newOffice(h, "Copy To Clinic")
	stranger := newOffice(h, "Stranger Clinic")
	add := func(o office, kind, code, desc string) {
		t.Helper()
		if r := h.Do("POST", o.codes(kind), map[string]string{"code": code, "description": desc}, o.admin.Auth()...); r.Status != 201 {
			t.Fatalf("add %s %s: %d %s", kind, code, r.Status, r.Raw)
		}
	}
	// 250 diagnosis codes: three write batches, the last one partial.
	for i := range 250 {
		add(from, "diagnosis", fmt.Sprintf("Z%03d", i), fmt.Sprintf("Diagnosis %d", i))
	}
	add(from, "payers", "60054", "Aetna")
	add(from, "payers", "87726", "UnitedHealthcare")
	add(from, "billing", "99213", "Office visit")
	// The target already has one of the payers, described its own way: kept.
	add(to, "payers", "60054", "Aetna (our wording)")

	// One login in both offices: site administrator of From, an office-wide
	// provider administrator (code_lists full) of To.
	person := h.AddMember(from.id, from.admin.Token, fmt.Sprintf("both%d", time.Now().UnixNano()), "provider-admin", "org")
	h.JoinOrg(to.id, to.admin.Token, person, "provider-admin", "org")
	viewer := h.AddMember(from.id, from.admin.Token, fmt.Sprintf("view%d", time.Now().UnixNano()), "provider-admin", "org")
	h.JoinOrg(to.id, to.admin.Token, viewer, "portal-user", "org")
	narrow := h.AddMember(from.id, from.admin.Token, fmt.Sprintf("narrow%d", time.Now().UnixNano()), "provider-admin", "org")
	h.JoinOrg(to.id, to.admin.Token, narrow, "provider-admin", "provider:1234567893")

	copyBody := func(fromOrg, toOrg string, kinds ...string) map[string]any {
		return map[string]any{"from_org": fromOrg, "to_org": toOrg, "kinds": kinds}
	}
	refusals := []struct {
		name   string
		who    stacktest.Member
		body   any
		status int
		code   string
	}{
		{"no code_lists access in the target", viewer, copyBody(from.id, to.id, "diagnosis"), 403, "insufficient_privilege"},
		{"provider-scoped in the target", narrow, copyBody(from.id, to.id, "diagnosis"), 403, "insufficient_privilege"},
		{"not a member of the source", person, copyBody(stranger.id, to.id, "diagnosis"), 403, "insufficient_privilege"},
		{"not a member of the target", person, copyBody(from.id, stranger.id, "diagnosis"), 403, "insufficient_privilege"},
		{"an office that does not exist", person, copyBody(from.id, "no-such-org", "diagnosis"), 403, "insufficient_privilege"},
		{"the same office", person, copyBody(from.id, from.id, "diagnosis"), 400, "validation_failed"},
		{"no list chosen", person, copyBody(from.id, to.id), 400, "validation_failed"},
		{"unknown list", person, copyBody(from.id, to.id, "procedures"), 400, "validation_failed"},
		{"kinds is not a list", person, `{"from_org":"a","to_org":"b","kinds":"diagnosis"}`, 400, "validation_failed"},
		{"not signed in", stacktest.Member{}, copyBody(from.id, to.id, "diagnosis"), 401, "not_signed_in"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.who.Token != "" {
				hdr = tc.who.Auth()
			}
			r := h.Do("POST", "/v1/code-lists/copy", tc.body, hdr...)
			if r.Status != tc.status || tc.status != 401 && r.ErrCode() != tc.code {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
		})
	}
	if r := h.Do("GET", to.codes("diagnosis"), nil, to.admin.Auth()...); len(items(r)) != 0 {
		t.Fatalf("a refused copy wrote codes: %s", r.Raw)
	}

	r := h.Do("POST", "/v1/code-lists/copy", copyBody(from.id, to.id, "payers", "diagnosis", "payers"), person.Auth()...)
	if r.Status != 200 || fmt.Sprint(r.Body["copied"]) != "map[diagnosis:250 payers:1]" || fmt.Sprint(r.Body["skipped"]) != "map[diagnosis:0 payers:1]" {
		t.Fatalf("copy: %d %s", r.Status, r.Raw)
	}
	payers := h.Do("GET", to.codes("payers"), nil, to.admin.Auth()...)
	if got := items(payers); len(got) != 2 || got[0]["description"] != "Aetna (our wording)" || got[1]["description"] != "UnitedHealthcare" {
		t.Fatalf("target payers: %s", payers.Raw)
	}
	if r := h.Do("GET", to.codes("billing"), nil, to.admin.Auth()...); len(items(r)) != 0 {
		t.Fatalf("billing was not chosen: %s", r.Raw)
	}

	// Retried: nothing is copied twice.
	again := h.Do("POST", "/v1/code-lists/copy", copyBody(from.id, to.id, "diagnosis", "payers"), person.Auth()...)
	if again.Status != 200 || fmt.Sprint(again.Body["copied"]) != "map[diagnosis:0 payers:0]" || fmt.Sprint(again.Body["skipped"]) != "map[diagnosis:250 payers:2]" {
		t.Fatalf("retry: %d %s", again.Status, again.Raw)
	}
	n := 0
	for cursor := ""; ; {
		page := h.Do("GET", to.codes("diagnosis")+"?limit=200&cursor="+url.QueryEscape(cursor), nil, to.admin.Auth()...)
		n += len(items(page))
		next, _ := page.Body["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if n != 250 {
		t.Fatalf("target has %d diagnosis codes, want 250", n)
	}

	// Both offices' audit logs tell who copied what.
	for _, o := range []office{from, to} {
		found := false
		for _, e := range items(h.Do("GET", "/v1/orgs/"+o.id+"/audit", nil, o.admin.Auth()...)) {
			if (e["action"] == codelist.ActionCopyFrom || e["action"] == codelist.ActionCopyTo) && e["actor"] == person.ID &&
				e["detail"] == "diagnosis: 250 copied, 0 skipped; payers: 1 copied, 1 skipped" {
				found = true
			}
		}
		if !found {
			t.Fatalf("no copy entry in the audit log of %s", o.id)
		}
	}
}

// TestPutNewCodesNeverOverwrites is the adapter's side of a copy racing an
// administrator: codes that appear between the read and the write are kept
// and counted, the others written, in batches of 100.
func TestPutNewCodesNeverOverwrites(t *testing.T) {
	h := stacktest.New(t)
	ctx := context.Background()
	store := h.App.Store
	orgID := ident.OrgID("org-race")
	var entries []codelist.Entry
	for i := range 230 {
		entries = append(entries, codelist.Entry{Kind: codelist.KindBilling, Code: fmt.Sprintf("C%04d", i), Description: "copied", CreatedAt: time.Now()})
	}
	// Already there when the copy writes: one in each batch.
	var theirs []codelist.Entry
	for _, i := range []int{5, 150, 229} {
		theirs = append(theirs, codelist.Entry{Kind: codelist.KindBilling, Code: entries[i].Code, Description: "theirs", CreatedAt: time.Now()})
	}
	if w, e, err := store.PutNewCodes(ctx, orgID, codelist.KindBilling, theirs); err != nil || w != 3 || e != 0 {
		t.Fatalf("seed: %d %d %v", w, e, err)
	}
	w, e, err := store.PutNewCodes(ctx, orgID, codelist.KindBilling, entries)
	if err != nil || w != 227 || e != 3 {
		t.Fatalf("copy: written %d existed %d err %v", w, e, err)
	}
	all, err := store.AllCodes(ctx, orgID, codelist.KindBilling)
	if err != nil || len(all) != 230 {
		t.Fatalf("read back %d: %v", len(all), err)
	}
	for _, c := range all {
		wantTheirs := c.Code == "C0005" || c.Code == "C0150" || c.Code == "C0229"
		if (c.Description == "theirs") != wantTheirs {
			t.Fatalf("%s: %q", c.Code, c.Description)
		}
	}
	if w, e, err := store.PutNewCodes(ctx, orgID, codelist.KindBilling, entries); err != nil || w != 0 || e != 230 {
		t.Fatalf("second run: %d %d %v", w, e, err)
	}
}
