#!/usr/bin/env python3
"""Writes on-sale.jmx next to this file. The Groovy steps live here as plain text (no XML escaping by hand);
edit this file and re-run `python3 loadtest/src/test/jmeter/generate_jmx.py`, or edit the .jmx in the JMeter GUI."""
from pathlib import Path
from xml.sax.saxutils import escape

def s(name, value):
    return f'<stringProp name="{name}">{escape(str(value))}</stringProp>'

def b(name, value):
    return f'<boolProp name="{name}">{"true" if value else "false"}</boolProp>'

def node(xml, children=()):
    return xml + "<hashTree>" + "".join(children) + "</hashTree>"

def groovy(kind, name, script, gui="TestBeanGUI"):
    return node(f'<{kind} guiclass="{gui}" testclass="{kind}" testname="{escape(name)}">'
                + s("scriptLanguage", "groovy") + s("parameters", "") + s("filename", "") + s("cacheKey", "true")
                + s("script", script.strip() + "\n") + f"</{kind}>")

def headers(name, pairs):
    hs = "".join('<elementProp name="" elementType="Header">' + s("Header.name", k) + s("Header.value", v)
                 + "</elementProp>" for k, v in pairs)
    return node(f'<HeaderManager guiclass="HeaderPanel" testclass="HeaderManager" testname="{name}">'
                f'<collectionProp name="HeaderManager.headers">{hs}</collectionProp></HeaderManager>')

def http(name, method, path, body=None, children=(), ok_codes=None):
    args = ""
    if body is not None:
        args = ('<elementProp name="" elementType="HTTPArgument">' + b("HTTPArgument.always_encode", False)
                + s("Argument.value", body) + s("Argument.metadata", "=") + "</elementProp>")
    xml = (f'<HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="{name}">'
           + b("HTTPSampler.postBodyRaw", body is not None)
           + f'<elementProp name="HTTPsampler.Arguments" elementType="Arguments"><collectionProp name="Arguments.arguments">{args}</collectionProp></elementProp>'
           + s("HTTPSampler.domain", "") + s("HTTPSampler.path", "${baseUrl}" + path) + s("HTTPSampler.method", method)
           + b("HTTPSampler.follow_redirects", False) + b("HTTPSampler.use_keepalive", True)
           + s("HTTPSampler.connect_timeout", "10000") + s("HTTPSampler.response_timeout", "60000")
           + "</HTTPSamplerProxy>")
    kids = list(children)
    if ok_codes:
        # accept e.g. 409 on holds: mark those as success, everything else keeps JMeter's own verdict
        kids.append(groovy("JSR223Assertion", name + " status",
                           f'if ({ok_codes!r}.contains(prev.getResponseCode())) {{ prev.setSuccessful(true) }}'
                           .replace("'", '"')))
    return node(xml, kids)

def while_(name, cond, children):
    return node(f'<WhileController guiclass="WhileControllerGui" testclass="WhileController" testname="{name}">'
                + s("WhileController.condition", cond) + "</WhileController>", children)

def if_(name, cond, children):
    return node(f'<IfController guiclass="IfControllerPanel" testclass="IfController" testname="{name}">'
                + s("IfController.condition", cond) + b("IfController.evaluateAll", False)
                + b("IfController.useExpression", True) + "</IfController>", children)

def timer(ms):
    return node('<ConstantTimer guiclass="ConstantTimerGui" testclass="ConstantTimer" testname="think">'
                + s("ConstantTimer.delay", ms) + "</ConstantTimer>")

def thread_group(kind, gui, name, threads, ramp, children, on_error="continue"):
    return node(f'<{kind} guiclass="{gui}" testclass="{kind}" testname="{name}">'
                + s("ThreadGroup.on_sample_error", on_error)
                + '<elementProp name="ThreadGroup.main_controller" elementType="LoopController" guiclass="LoopControlPanel" testclass="LoopController">'
                + b("LoopController.continue_forever", False) + s("LoopController.loops", "1") + "</elementProp>"
                + s("ThreadGroup.num_threads", threads) + s("ThreadGroup.ramp_time", ramp)
                + b("ThreadGroup.scheduler", False) + s("ThreadGroup.duration", "") + s("ThreadGroup.delay", "")
                + b("ThreadGroup.same_user_on_next_iteration", True) + f"</{kind}>", children)

SETUP = r'''
// Before the sale: the admin creates the performance and sets the room's capacity; every fan signs up (409 = from an
// earlier run) and logs in. Same steps as the Gatling simulation's before().
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import java.net.http.*
import java.util.concurrent.*

def base = vars.get("baseUrl")
def client = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10)).build()
def call = { String method, String path, String token, Object body ->
    def rb = HttpRequest.newBuilder(URI.create(base + path)).timeout(java.time.Duration.ofSeconds(60)).header("Accept", "application/json")
    if (token) rb.header("Authorization", "Bearer " + token)
    if (body != null) rb.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JsonOutput.toJson(body)))
    else rb.method(method, HttpRequest.BodyPublishers.noBody())
    client.send(rb.build(), HttpResponse.BodyHandlers.ofString())
}
def login = { String email, String password ->
    def r = call("POST", "/api/auth/login", null, [email: email, password: password])
    if (r.statusCode() != 200) throw new RuntimeException("login " + email + ": HTTP " + r.statusCode() + " " + r.body())
    new JsonSlurper().parseText(r.body()).accessToken
}
def admin = login(System.getenv("TICKETING_ADMIN_EMAIL") ?: "admin@ticketing.local",
                  System.getenv("TICKETING_ADMIN_PASSWORD") ?: new File(System.getenv("TICKETING_REPO_ROOT") ?: "../..", ".devstack/admin-password").text.trim())
int seats = props.get("seats") as int
int perRow = Math.min(20, seats)
int rows = (int) ((seats + perRow - 1) / perRow)
def sections = []
for (int i = 0; i * 200 < rows; i++) sections << [name: "S" + (i + 1), rows: Math.min(200, rows - i * 200), seatsPerRow: perRow, price: 99000]
def now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
def r = call("POST", "/api/performances", admin, [title: "Load test on-sale (JMeter) " + now, description: "on-sale load test (loadtest/)",
        venue: "Loadtest Arena", category: "concert", showtimes: [[startsAt: now.plusDays(30).toString(), sections: sections]]])
if (r.statusCode() != 201) throw new RuntimeException("create performance: HTTP " + r.statusCode() + " " + r.body())
def perf = new JsonSlurper().parseText(r.body())
String perfId = perf.id
String showtimeId = perf.showtimes[0].id
long deadline = System.currentTimeMillis() + 90000
while (true) {
    def c = call("PUT", "/api/queues/" + perfId + "/config", admin,
            [capacity: props.get("capacity") as int, sessionTtlSeconds: props.get("sessionTtlSeconds") as int])
    if (c.statusCode() == 200 && new JsonSlurper().parseText(c.body()).live == true) break
    if (System.currentTimeMillis() > deadline) throw new RuntimeException("queue config: HTTP " + c.statusCode() + " " + c.body())
    Thread.sleep(500)
}
int onSale = new JsonSlurper().parseText(call("GET", "/api/showtimes/" + showtimeId + "/seats", null, null).body()).seats.size()

int users = props.get("users") as int
// Fans are provisioned before the sale (loadtest/provision-fans.sh writes the fan file: email, userId, accessToken,
// refreshToken, accessExpiresAtMillis); every token that would not last the run is refreshed here (no hashing).
def fansFile = new File(props.get("fansFile") as String)
if (!fansFile.exists()) throw new RuntimeException("no fan file " + fansFile + ": run loadtest/provision-fans.sh -Dusers=" + users + " first")
def fans = fansFile.readLines().findAll { it.trim() }.collect { it.split("\t") }.take(users)
if (fans.size() < users) throw new RuntimeException("the fan file has " + fans.size() + " fans for users=" + users + ": run loadtest/provision-fans.sh -Dusers=" + users)
long needUntil = System.currentTimeMillis() + 14 * 60 * 1000L
def pool = Executors.newFixedThreadPool(8)
def futures = fans.collect { f ->
    pool.submit({
        if ((f[4] as long) > needUntil) return f[2]
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                def r = call("POST", "/api/auth/refresh", null, [refreshToken: f[3]])
                if (r.statusCode() == 200) return new JsonSlurper().parseText(r.body()).accessToken
            } catch (Exception e) { }
            Thread.sleep(500L * (attempt + 1))
        }
        return null
    } as Callable)
}
def tokens = futures.collect { it.get() }.findAll { it != null }
pool.shutdown()
if (tokens.isEmpty()) throw new RuntimeException("no provisioned fan has a usable token")
props.put("fanTokens", tokens)
props.put("perfId", perfId)
props.put("showtimeId", showtimeId)
def runFile = new File(props.get("runFile") as String)
runFile.parentFile.mkdirs()
runFile.text = JsonOutput.prettyPrint(JsonOutput.toJson([tool: "jmeter", baseUrl: base, users: users,
        windowSeconds: props.get("windowSeconds") as int, capacity: props.get("capacity") as int,
        performanceId: perfId, showtimeId: showtimeId, seatsOnSale: onSale, fansReady: tokens.size(),
        startedAt: System.currentTimeMillis()]))
SampleResult.setResponseCode("200")
SampleResult.setResponseMessage("on sale: " + perfId + " / " + showtimeId + ", " + onSale + " seats, " + tokens.size() + " fans")
log.info("[loadtest] " + SampleResult.getResponseMessage())
'''

FAN = r'''
def tokens = props.get("fanTokens")
vars.put("token", tokens[ctx.getThreadNum() % tokens.size()])
vars.put("perfId", props.get("perfId"))
vars.put("showtimeId", props.get("showtimeId"))
vars.put("queueStatus", "NONE")
vars.put("enteredAt", String.valueOf(System.currentTimeMillis()))
vars.put("queueDeadline", String.valueOf(System.currentTimeMillis() + 1000L * (props.get("maxQueueWaitSeconds") as int)))
SampleResult.setIgnore()
'''

QUEUE_STATUS = r'''
if (prev.getResponseCode() in ["200", "201"]) {
    def j = new groovy.json.JsonSlurper().parseText(prev.getResponseDataAsString())
    vars.put("queueStatus", j.status as String)
    if (j.admissionToken) vars.put("admissionToken", j.admissionToken as String)
} else if (prev.getResponseCode() == "404") {
    vars.put("queueStatus", "GONE")
}
'''

METRIC = r'''
// a synthetic sample whose elapsed time is the span measured: label = the metric name the checker reads
long start = Long.parseLong(vars.get("%(from)s"))
SampleResult.setSampleLabel(%(label)s)
SampleResult.setStartTime(start) // the sampler ends it after the script: elapsed = now - start
SampleResult.setResponseCode("200")
SampleResult.setSuccessful(%(ok)s)
'''

SEATS = r'''
def available = []
if (prev.getResponseCode() == "200") {
    new groovy.json.JsonSlurper().parseText(prev.getResponseDataAsString()).seats.each { if (it.status == "AVAILABLE") available << it.id }
}
vars.putObject("available", available)
'''

PICK = r'''
def available = new ArrayList(vars.getObject("available"))
Collections.shuffle(available)
int n = Math.min(available.size(), 1 + new Random().nextInt(props.get("seatsPerFan") as int))
vars.put("pick", groovy.json.JsonOutput.toJson(available.subList(0, n)))
vars.putObject("available", available.subList(n, available.size()))
'''

HOLD_RESULT = r'''
vars.put("holdStatus", prev.getResponseCode())
vars.put("holdAttempts", String.valueOf((vars.get("holdAttempts") as int) + 1))
if (prev.getResponseCode() == "201") vars.put("holdId", new groovy.json.JsonSlurper().parseText(prev.getResponseDataAsString()).holdId as String)
'''

ORDER_PRE = r'''
vars.put("paymentToken", new Random().nextDouble() < (props.get("declineShare") as double) ? "tok_decline" : "tok_approve")
vars.put("orderedAt", String.valueOf(System.currentTimeMillis()))
vars.put("orderStatus", "NONE")
'''

ORDER_RESULT = r'''
if (prev.getResponseCode() == "202") {
    vars.put("orderId", new groovy.json.JsonSlurper().parseText(prev.getResponseDataAsString()).orderId as String)
    vars.put("orderStatus", "PENDING")
}
'''

ORDER_STATUS = r'''
if (prev.getResponseCode() == "200") vars.put("orderStatus", new groovy.json.JsonSlurper().parseText(prev.getResponseDataAsString()).status as String)
'''

def P(name, dflt):
    return "${__P(%s,%s)}" % (name, dflt)

seats_get = lambda: http("seats", "GET", "/api/showtimes/${showtimeId}/seats",
                         children=[groovy("JSR223PostProcessor", "available seats", SEATS)])
leave = lambda: http("leave", "DELETE", "/api/queues/${perfId}/entries/me", ok_codes=["204", "404"])

fan = [
    headers("fan headers", [("Content-Type", "application/json"), ("Accept", "application/json"),
                            ("Authorization", "Bearer ${token}")]),
    groovy("JSR223Sampler", "setup fan", FAN),
    http("enter", "POST", "/api/queues/${perfId}/entries",
         children=[groovy("JSR223PostProcessor", "queue status", QUEUE_STATUS)]),
    # the JMeter flavour polls the status instead of holding the WebSocket
    while_("wait for admission",
           '${__groovy(vars.get("queueStatus") == "WAITING" && System.currentTimeMillis() < Long.parseLong(vars.get("queueDeadline")))}',
           [http("queue status", "GET", "/api/queues/${perfId}/entries/me",
                 children=[timer(1000), groovy("JSR223PostProcessor", "queue status", QUEUE_STATUS)])]),
    if_("admitted?", '${__groovy(vars.get("queueStatus") == "ADMITTED")}', [
        groovy("JSR223Sampler", "queueWait", METRIC % {"from": "enteredAt", "label": '"queueWait"', "ok": "true"}),
        seats_get(),
        groovy("JSR223Sampler", "setup hold loop", 'vars.put("holdStatus", "0"); vars.put("holdAttempts", "0"); SampleResult.setIgnore()'),
        while_("hold seats",
               '${__groovy(vars.get("holdStatus") != "201" && (vars.get("holdAttempts") as int) < 5 && !vars.getObject("available").isEmpty())}',
               [http("hold", "POST", "/api/showtimes/${showtimeId}/holds", body='{"seatIds":${pick}}', ok_codes=["201", "409"],
                     children=[headers("admission", [("X-Admission-Token", "${admissionToken}")]),
                               groovy("JSR223PreProcessor", "pick seats", PICK),
                               groovy("JSR223PostProcessor", "hold result", HOLD_RESULT)]),
                if_("seat taken?", '${__groovy(vars.get("holdStatus") == "409")}', [seats_get()])]),
        if_("held?", '${__groovy(vars.get("holdStatus") == "201")}', [
            http("order", "POST", "/api/orders", body='{"holdId":"${holdId}","paymentToken":"${paymentToken}"}',
                 children=[headers("admission", [("X-Admission-Token", "${admissionToken}")]),
                           groovy("JSR223PreProcessor", "payment token", ORDER_PRE),
                           groovy("JSR223PostProcessor", "order id", ORDER_RESULT)]),
            while_("wait for the payment",
                   '${__groovy(vars.get("orderStatus") == "PENDING" && System.currentTimeMillis() - Long.parseLong(vars.get("orderedAt")) < 120000)}',
                   [http("orderStatus", "GET", "/api/orders/${orderId}",
                         children=[timer(500), groovy("JSR223PostProcessor", "order status", ORDER_STATUS)])]),
            groovy("JSR223Sampler", "orderToConfirmed",
                   METRIC % {"from": "orderedAt",
                             "label": 'vars.get("orderStatus") == "CONFIRMED" ? "orderToConfirmed" : "orderToFinal"',
                             "ok": 'vars.get("orderStatus") != "PENDING"'}),
        ]),
        if_("leave unless confirmed?", '${__groovy(vars.get("orderStatus") != "CONFIRMED")}', [leave()]),
    ]),
]

plan = node('<TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="on-sale">'
            + b("TestPlan.functional_mode", False) + b("TestPlan.serialize_threadgroups", False)
            + b("TestPlan.tearDown_on_shutdown", True)
            + '<elementProp name="TestPlan.user_defined_variables" elementType="Arguments" guiclass="ArgumentsPanel" testclass="Arguments"><collectionProp name="Arguments.arguments">'
            + '<elementProp name="baseUrl" elementType="Argument">' + s("Argument.name", "baseUrl")
            + s("Argument.value", P("baseUrl", "http://127.0.0.1:8080")) + s("Argument.metadata", "=") + "</elementProp>"
            + "</collectionProp></elementProp></TestPlan>",
            [thread_group("SetupThreadGroup", "SetupThreadGroupGui", "before the sale", 1, 0,
                          [groovy("JSR223Sampler", "setup on-sale", SETUP)], on_error="stoptest"),
             thread_group("ThreadGroup", "ThreadGroupGui", "fans", P("users", 2000), P("windowSeconds", 30), fan)])

doc = '<?xml version="1.0" encoding="UTF-8"?>\n<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.2">' \
      + "<hashTree>" + plan + "</hashTree></jmeterTestPlan>\n"
out = Path(__file__).with_name("on-sale.jmx")
import xml.dom.minidom as minidom
doc = minidom.parseString(doc.encode("utf-8")).toprettyxml(indent="  ", encoding="UTF-8").decode("utf-8")
out.write_text(doc, encoding="utf-8")
print("wrote", out)
