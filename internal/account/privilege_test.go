package account

import "testing"

func TestLevels(t *testing.T) {
	tests := []struct {
		name string
		m    Membership
		mod  Module
		want Level
	}{
		{"site admin full on user admin", Membership{Role: RoleSiteAdmin}, ModuleUserAdmin, LevelFull},
		{"site admin no support", Membership{Role: RoleSiteAdmin}, ModuleSupport, LevelNone},
		{"clerical no insights", Membership{Role: RoleClericalUser}, ModulePracticeInsights, LevelNone},
		{"portal user no user admin", Membership{Role: RolePortalUser}, ModuleUserAdmin, LevelNone},
		{"client only client portal", Membership{Role: RoleClient}, ModuleClaims, LevelNone},
		{"override down", Membership{Role: RoleSiteAdmin, Privileges: map[Module]Level{ModuleClaims: LevelView}}, ModuleClaims, LevelView},
		{"override up", Membership{Role: RoleClericalUser, Privileges: map[Module]Level{ModulePracticeInsights: LevelFull}}, ModulePracticeInsights, LevelFull},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.m.Level(tc.mod); got != tc.want {
				t.Fatalf("Level = %s, want %s", got, tc.want)
			}
		})
	}
	if !LevelFull.Allows(LevelView) || LevelView.Allows(LevelFull) || !LevelNone.Allows(LevelNone) || LevelNone.Allows(LevelView) {
		t.Fatal("Allows wrong")
	}
}

func TestMayGrant(t *testing.T) {
	tests := []struct {
		have, want Role
		ok         bool
	}{
		{RoleSiteAdmin, RoleSiteAdmin, true},
		{RoleProviderAdmin, RoleSiteAdmin, false},
		{RoleProviderAdmin, RoleProviderAdmin, true},
		{RoleProviderAdmin, RoleClient, true},
		{RolePortalUser, RoleProviderAdmin, false},
		{RolePortalUser, RoleClericalUser, true},
		{RoleClericalUser, RolePortalUser, false},
		{RoleClient, RoleClericalUser, true},
	}
	for _, tc := range tests {
		t.Run(string(tc.have)+"->"+string(tc.want), func(t *testing.T) {
			if got := tc.have.MayGrant(tc.want); got != tc.ok {
				t.Fatalf("MayGrant = %v", got)
			}
		})
	}
}
