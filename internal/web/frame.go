package web

import "github.com/gatehouse-dev/gatehouse/internal/ident"

// Frame is the top of every signed-in page: who is signed in, the office
// they act in (and its client, where there is one) and the offices they can
// switch to (seed 000's provider drop-down, seed 003's portal toggle).
type Frame struct {
	Name    string // the person's name, or their username
	Current Office
	Offices []Office // every active office of the login; the switch shows when there are two or more
	// AdminLinks is the "Administration" menu of the current office (seed
	// 001's entries); empty for people who do not administer it. The
	// administration pages fill it in.
	AdminLinks []Link
	// Tickets shows the Support Tickets menu entry: the person is a site
	// administrator or a support user of the current office (F21).
	Tickets bool
	// Restricted frames (a temporary password to change, a second factor to
	// enrol) offer only what the person may do until then.
	Restricted bool
}

// Office is one office a login belongs to.
type Office struct {
	ID         ident.OrgID
	Name       string
	ClientName string
	Role       string // display name of the role there
	Label      string // how menus name it: OfficeLabel
}

// OfficeLabel names an office in menus: "Org (Client)".
func OfficeLabel(name, client string) string {
	if client != "" {
		return name + " (" + client + ")"
	}
	return name
}

// Link is one menu entry.
type Link struct {
	Label string
	Href  string
	// Current marks the link to the page being shown (aria-current).
	Current bool
}
