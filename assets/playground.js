// Starts GraphiQL with what the server put in the page (#playground-config): the endpoint, the
// first query and the headers. A page that carries credentials names its run: when the run
// changes (a restart issued a new playground credential), GraphiQL's stored tabs and headers,
// which hold the previous, revoked credential, are dropped so that the new one is used.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('playground-config').textContent);
  if (config.run) {
    try {
      var marker = 'partnergraph:playground-run';
      if (window.localStorage.getItem(marker) !== config.run) {
        Object.keys(window.localStorage).forEach(function (key) {
          if (key.indexOf('graphiql:') === 0) {
            window.localStorage.removeItem(key);
          }
        });
        window.localStorage.setItem(marker, config.run);
      }
    } catch (e) {
      // No storage (a private window may refuse it): GraphiQL keeps nothing either.
    }
  }
  var fetcher = GraphiQL.createFetcher({
    url: new URL(config.endpoint, window.location.origin).toString(),
  });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.query,
      defaultHeaders: config.headers,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: true,
    })
  );
})();
