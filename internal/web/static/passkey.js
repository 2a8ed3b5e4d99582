// Gatehouse: adding a passkey (WebAuthn) from the account page (after
// webauthn.js); everything else on the page works without JavaScript. It
// calls the JSON API with the session cookie (same origin).
(function () {
  "use strict";
  var box = document.getElementById("passkey-add");
  if (!box || !window.PublicKeyCredential) return;
  box.hidden = false;
  var status = document.getElementById("passkey-status");
  var wa = window.gatehouseWebAuthn, b64url = wa.b64url, unb64url = wa.unb64url;
  function post(path, body) { return wa.post(path, body, "The passkey could not be added."); }
  document.getElementById("passkey-add-button").addEventListener("click", function () {
    status.textContent = "Follow your browser's prompt…";
    var name = document.getElementById("f-passkey_name").value;
    var pw = document.getElementById("f-passkey_password").value;
    var challenge;
    post("/v1/auth/mfa/passkeys/register/begin", { current_password: pw }).then(function (c) {
      challenge = c.challenge_id;
      var o = c.options.publicKey || c.options;
      o.challenge = unb64url(o.challenge);
      o.user.id = unb64url(o.user.id);
      (o.excludeCredentials || []).forEach(function (x) { x.id = unb64url(x.id); });
      return navigator.credentials.create({ publicKey: o });
    }).then(function (cred) {
      return post("/v1/auth/mfa/passkeys/register/finish", {
        challenge_id: challenge, name: name,
        credential: {
          id: cred.id, rawId: b64url(cred.rawId), type: cred.type,
          response: { clientDataJSON: b64url(cred.response.clientDataJSON), attestationObject: b64url(cred.response.attestationObject),
            transports: cred.response.getTransports ? cred.response.getTransports() : [] }
        }
      });
    }).then(function () {
      window.location.assign("/account?notice=passkey-added#passkeys");
    }).catch(function (err) {
      status.textContent = err.message;
    });
  });
})();
