// Gatehouse: signing in with a passkey instead of the Authentication Code,
// on the second step of /login. It calls the JSON sign-in routes (same
// origin); without JavaScript the Authentication Code works alone.
(function () {
  "use strict";
  var box = document.getElementById("passkey-signin");
  if (!box || !window.PublicKeyCredential) return;
  box.hidden = false;
  var status = document.getElementById("passkey-signin-status");
  var wa = window.gatehouseWebAuthn, b64url = wa.b64url, unb64url = wa.unb64url;
  function post(path, body) { return wa.post(path, body, "Signing in with a passkey did not work."); }
  function field(name) { var el = document.querySelector("input[name=" + name + "]"); return el ? el.value : ""; }
  document.getElementById("passkey-signin-button").addEventListener("click", function () {
    status.textContent = "Follow your browser's prompt…";
    var challenge;
    post("/v1/auth/login/passkey/begin", { username: field("username"), password: field("password") }).then(function (c) {
      challenge = c.challenge_id;
      var o = c.options.publicKey || c.options;
      o.challenge = unb64url(o.challenge);
      (o.allowCredentials || []).forEach(function (x) { x.id = unb64url(x.id); });
      return navigator.credentials.get({ publicKey: o });
    }).then(function (cred) {
      return post("/v1/auth/login/passkey/finish", {
        challenge_id: challenge,
        credential: {
          id: cred.id, rawId: b64url(cred.rawId), type: cred.type,
          response: { clientDataJSON: b64url(cred.response.clientDataJSON), authenticatorData: b64url(cred.response.authenticatorData),
            signature: b64url(cred.response.signature), userHandle: cred.response.userHandle ? b64url(cred.response.userHandle) : null }
        }
      });
    }).then(function (res) {
      var next = field("next");
      if (res.password_change_required) next = "/account/password";
      else if (res.mfa_required) next = "/account/two-factor";
      window.location.assign(next && next.charAt(0) === "/" && next.charAt(1) !== "/" ? next : "/");
    }).catch(function (err) {
      status.textContent = err.message;
    });
  });
})();
