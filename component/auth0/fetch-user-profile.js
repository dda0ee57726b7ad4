function fetchUserProfile(accessToken, context, callback) {
  // Auth0 runs this file as-is (Node 22 sandbox) for every TikTok login; infra/tiktok-connection.ts
  // uploads it. It must stay ONE function declaration with nothing around it, plain ES2020, and
  // under 51,200 characters. Only `axios` is required: Auth0's sandbox provides it.
  //
  // The TikTok field that becomes the Auth0 user_id: union_id (the same across every app of one
  // TikTok developer account) or open_id (one per app). The stack writes tiktok-auth0:userIdField
  // into the next line when it uploads the script. Never change it once the connection has users:
  // Auth0 stores them as oauth2|<connection>|<user_id>, so every returning user would be duplicated.
  var USER_ID_FIELD = "union_id";

  var USER_INFO_URL = "https://open.tiktokapis.com/v2/user/info/";
  var REQUEST_TIMEOUT_MS = 10000;
  // Which fields each TikTok scope allows; asking for one whose scope was not granted fails the call.
  var FIELDS_BY_SCOPE = {
    "user.info.basic": ["open_id", "union_id", "avatar_url", "avatar_url_100", "avatar_large_url", "display_name"],
    "user.info.profile": ["bio_description", "profile_deep_link", "is_verified", "username"],
    "user.info.stats": ["follower_count", "following_count", "likes_count", "video_count"],
  };

  var axios = require("axios");

  // TikTok returns the granted scopes comma-separated; accept spaces too.
  var granted = String((context && context.scope) || "").split(/[\s,]+/);
  var fields = [];
  Object.keys(FIELDS_BY_SCOPE).forEach(function (scope) {
    // user.info.basic is always requested: the stack requires it, and without its ids there is no login.
    if (scope === "user.info.basic" || granted.indexOf(scope) !== -1) {
      fields = fields.concat(FIELDS_BY_SCOPE[scope]);
    }
  });

  var done = false;
  function finish(err, profile) {
    if (done) return;
    done = true;
    if (err) callback(err);
    else callback(null, profile);
  }

  // Never pass an axios error on: it carries the request headers, and with them the access token.
  function tiktokError(what, status, envelope) {
    var error = (envelope && envelope.error) || {};
    var parts = ["TikTok user info " + what];
    if (status) parts.push("HTTP " + status);
    if (error.code) parts.push("code " + error.code);
    if (error.message) parts.push('"' + String(error.message).slice(0, 200) + '"');
    if (error.log_id) parts.push("log_id " + error.log_id);
    return new Error(parts.join(", "));
  }

  function toProfile(user) {
    var profile = {
      user_id: user[USER_ID_FIELD],
      name: user.display_name || user.username,
      nickname: user.username || user.display_name,
      picture: user.avatar_large_url || user.avatar_url || user.avatar_url_100,
    };
    // Then every field we asked for and got: open_id, union_id and whatever the scopes granted.
    fields.forEach(function (field) {
      if (user[field] !== undefined && user[field] !== null) profile[field] = user[field];
    });
    Object.keys(profile).forEach(function (key) {
      if (profile[key] === undefined || profile[key] === "") delete profile[key];
    });
    return profile;
  }

  axios
    .get(USER_INFO_URL + "?fields=" + fields.join(","), {
      headers: { Authorization: "Bearer " + accessToken },
      timeout: REQUEST_TIMEOUT_MS,
    })
    .then(
      function (res) {
        var envelope = res.data || {};
        if (!envelope.error || envelope.error.code !== "ok") {
          return finish(tiktokError("failed", res.status, envelope));
        }
        var user = envelope.data && envelope.data.user;
        if (!user || typeof user !== "object") {
          return finish(tiktokError("returned no data.user", res.status, envelope));
        }
        if (typeof user[USER_ID_FIELD] !== "string" || user[USER_ID_FIELD] === "") {
          return finish(
            tiktokError("returned no " + USER_ID_FIELD + ", which is the Auth0 user_id", res.status, envelope),
          );
        }
        finish(null, toProfile(user));
      },
      function (err) {
        if (err && err.response) {
          return finish(tiktokError("failed", err.response.status, err.response.data));
        }
        var reason = (err && (err.code || err.message)) || "unknown error";
        finish(new Error("TikTok user info request failed: " + reason));
      },
    )
    .catch(function (err) {
      // A bug above must still end the login with an error, not leave Auth0 waiting.
      finish(new Error("TikTok user info could not be mapped: " + ((err && err.message) || err)));
    });
}
