/* Loaded synchronously in <head>: lets CSS show script-only controls (the map, "Use my location") without a flash. */
document.documentElement.classList.add("js");
