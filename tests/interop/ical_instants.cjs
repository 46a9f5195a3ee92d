// ical.js (Mozilla's parser, under Node) reads a calendar file and prints each VEVENT's SUMMARY with its
// start and end as UTC instants, one JSON object, so Python can compare them with the source.
const fs = require("fs");
const path = require("path");
const ICAL = require(path.join(__dirname, "..", "..", "node_modules", "ical.js", "dist", "ical.es5.cjs"));

const component = new ICAL.Component(ICAL.parse(fs.readFileSync(process.argv[2], "utf8")));
for (const zone of component.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));  // what a client does with the feed's own VTIMEZONEs
}
const seen = {};
for (const vevent of component.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  seen[event.summary] = [event.startDate.toUnixTime(), event.endDate.toUnixTime()];
}
console.log(JSON.stringify(seen));
