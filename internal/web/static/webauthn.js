// Gatehouse: what both passkey scripts need: WebAuthn's binary fields as
// base64url and back, and a POST to the JSON API (same origin, the session
// cookie) that turns the contract's error shape into an Error.
window.gatehouseWebAuthn = (function () {
  "use strict";
  function b64url(buf) {
    var s = "", bytes = new Uint8Array(buf);
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function unb64url(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function post(path, body, failure) {
    return fetch(path, { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (res) {
        return res.text().then(function (t) {
          var data = t ? JSON.parse(t) : {};
          if (!res.ok) throw new Error((data.error && data.error.message) || failure);
          return data;
        });
      });
  }
  return { b64url: b64url, unb64url: unb64url, post: post };
})();
