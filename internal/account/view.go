package account

import "github.com/gatehouse-dev/gatehouse/internal/ident"

// UserView is a user as the API shows it to its owner (never the hash).
type UserView struct {
	ID         string `json:"id"`
	Username   string `json:"username"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Email      string `json:"email"`
	MFAEnabled bool   `json:"mfa_enabled"`
}

// View returns the API form of u.
func (u User) View() UserView {
	return UserView{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, MFAEnabled: u.MFAEnabled}
}

// MembershipView is a membership as the API shows it.
type MembershipView struct {
	OrgID      ident.OrgID `json:"org_id"`
	OrgName    string      `json:"org_name"`
	Role       Role        `json:"role"`
	RoleName   string      `json:"role_name"`
	Scope      string      `json:"scope"`
	ClientName string      `json:"client_name,omitempty"`
	Active     bool        `json:"active"`
}

// View returns the API form of m.
func (m Membership) View() MembershipView {
	return MembershipView{OrgID: m.OrgID, OrgName: m.OrgName, Role: m.Role, RoleName: m.Role.DisplayName(), Scope: m.Scope.String(), ClientName: m.ClientName, Active: m.Active}
}

// Views returns the API form of every membership (never nil, so JSON shows []).
func Views(ms []Membership) []MembershipView {
	out := make([]MembershipView, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.View())
	}
	return out
}
