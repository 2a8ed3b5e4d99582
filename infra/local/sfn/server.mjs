// Local AWS Step Functions: the API calls Gatehouse makes, over the AWS JSON
// 1.0 protocol (X-Amz-Target: AWSStepFunctions.<Action>), running ASL with the
// maintained interpreter aws-local-stepfunctions. Tasks invoke Lambda
// functions through the local stack's Lambda Invoke API, so the functions run
// exactly as in AWS.
//
//   node infra/local/sfn/server.mjs   (PORT, default 8083; LAMBDA_ENDPOINT, default http://127.0.0.1:3001)
//
// Actions: CreateStateMachine, DescribeStateMachine, StartExecution,
// DescribeExecution, GetExecutionHistory, ListExecutions, SendTaskSuccess,
// SendTaskFailure, SendTaskHeartbeat, StopExecution. Anything else, and any
// ASL feature this server does not implement faithfully, is refused loudly.
//
// Local extension: a CreateStateMachine tag "gatehouse:lambda-endpoint" names
// the Lambda Invoke endpoint of that state machine's tasks (each test stack
// listens on its own port).

import http from 'node:http';
import { randomBytes } from 'node:crypto';

// Node's timers hold at most 2^31-1 ms (about 24.8 days) and fire after 1 ms
// beyond that, but a review waits 30 days by default: longer timers (ours and
// the interpreter's) are re-armed in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;
const nativeSetTimeout = globalThis.setTimeout;
const nativeClearTimeout = globalThis.clearTimeout;
class LongTimer {
  constructor() { this.handle = null; }
  ref() { this.handle?.ref?.(); return this; }
  unref() { this.handle?.unref?.(); return this; }
}
globalThis.setTimeout = (fn, ms, ...args) => {
  if (!(ms > MAX_TIMER_MS)) return nativeSetTimeout(fn, ms, ...args);
  const timer = new LongTimer();
  const arm = (left) => {
    timer.handle = nativeSetTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fn(...args)), Math.min(left, MAX_TIMER_MS));
  };
  arm(ms);
  return timer;
};
globalThis.clearTimeout = (t) => nativeClearTimeout(t instanceof LongTimer ? t.handle : t);

// A bug here must be loud, but must not take every pending review down with it.
process.on('unhandledRejection', (err) => console.error('unhandled rejection:', err));


// aws-local-stepfunctions 3.0.0 uses Promise.withResolvers (Node 22); Node 20 lacks it.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () { let resolve, reject; const promise = new Promise((a, b) => { resolve = a; reject = b; }); return { promise, resolve, reject }; };
}
const { StateMachine } = await import('aws-local-stepfunctions');

const PORT = Number(process.env.PORT || 8083);
const DEFAULT_LAMBDA = process.env.LAMBDA_ENDPOINT || 'http://127.0.0.1:3001';
const REGION = process.env.AWS_REGION || 'us-east-1';
const ACCOUNT = '000000000000';
const ENDPOINT_TAG = 'gatehouse:lambda-endpoint';
const TIMEOUT_PARAM = '__gatehouse_timeout_seconds';

class ApiError extends Error {
  constructor(type, message, status = 400) { super(message); this.type = type; this.status = status; }
}

const machines = new Map();   // arn -> {name, arn, definition, source, machine, lambdaEndpoint, created}
const executions = new Map(); // arn -> execution
const tasks = new Map();      // token -> {resolve, reject, state: 'waiting'|'done'|'timed-out', execution, stateName}

// ---- ASL subset --------------------------------------------------------------

const STATE_FIELDS = {
  Common: ['Type', 'Comment', 'Next', 'End', 'InputPath', 'OutputPath'],
  Task: ['Resource', 'Parameters', 'ResultSelector', 'ResultPath', 'Retry', 'Catch', 'TimeoutSeconds', 'TimeoutSecondsPath'],
  Pass: ['Result', 'ResultPath', 'Parameters'],
  Choice: ['Choices', 'Default'],
  Succeed: [],
  Fail: ['Error', 'Cause'],
};
const RESOURCES = ['arn:aws:states:::lambda:invoke', 'arn:aws:states:::lambda:invoke.waitForTaskToken'];

// checkSupported throws for every ASL feature this emulator does not run the
// way AWS does, so a definition never silently behaves differently here.
function checkSupported(def) {
  const problems = [];
  for (const k of Object.keys(def)) {
    if (!['Comment', 'StartAt', 'States', 'TimeoutSeconds', 'Version'].includes(k)) problems.push(`top-level field ${k}`);
  }
  for (const [name, s] of Object.entries(def.States || {})) {
    const allowed = STATE_FIELDS[s.Type];
    if (!allowed) { problems.push(`state ${name}: type ${s.Type}`); continue; }
    for (const k of Object.keys(s)) {
      if (!STATE_FIELDS.Common.includes(k) && !allowed.includes(k)) problems.push(`state ${name}: field ${k}`);
    }
    if (s.Type === 'Task') {
      if (!RESOURCES.includes(s.Resource)) problems.push(`state ${name}: resource ${s.Resource} (only ${RESOURCES.join(', ')})`);
      if (s.TimeoutSeconds === undefined && s.TimeoutSecondsPath === undefined) problems.push(`state ${name}: no TimeoutSeconds (the interpreter would silently use 60 s)`);
      if (s.TimeoutSecondsPath !== undefined && !(s.Parameters && typeof s.Parameters === 'object')) problems.push(`state ${name}: TimeoutSecondsPath needs Parameters here`);
      for (const r of s.Retry || []) if (r.MaxDelaySeconds !== undefined || r.JitterStrategy !== undefined) problems.push(`state ${name}: Retry MaxDelaySeconds/JitterStrategy`);
    }
  }
  if (problems.length) throw new ApiError('InvalidDefinition', 'Not supported by the local Step Functions emulator: ' + problems.join('; '));
}

// prepare rewrites TimeoutSecondsPath so that it is read from the state's
// input, as in AWS: the interpreter evaluates it against the input after
// Parameters, so the value is carried through Parameters and stripped again
// before the Lambda function sees it.
function prepare(def) {
  const copy = structuredClone(def);
  for (const s of Object.values(copy.States)) {
    if (s.Type === 'Task' && s.TimeoutSecondsPath) {
      s.Parameters = { ...s.Parameters, [TIMEOUT_PARAM + '.$']: s.TimeoutSecondsPath };
      s.TimeoutSecondsPath = '$.' + TIMEOUT_PARAM;
    }
  }
  return copy;
}

// ---- tasks --------------------------------------------------------------------

function namedError(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

function functionName(arn) {
  const m = /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(arn);
  return m ? m[1] : arn;
}

// invokeLambda calls the local Lambda Invoke API; a function error becomes a
// task error named by Lambda's errorType, a transport failure Lambda.ServiceException.
async function invokeLambda(endpoint, fnArn, payload) {
  let res;
  try {
    res = await fetch(`${endpoint}/2015-03-31/functions/${encodeURIComponent(functionName(fnArn))}/invocations`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload ?? {}),
    });
  } catch (err) {
    throw namedError('Lambda.ServiceException', `invoke ${fnArn}: ${err.message}`);
  }
  const text = await res.text();
  if (res.status === 429) throw namedError('Lambda.TooManyRequestsException', text);
  if (res.status === 404) throw namedError('Lambda.ResourceNotFoundException', text);
  if (res.status >= 500) throw namedError('Lambda.ServiceException', text);
  if (res.status >= 400) throw namedError('Lambda.InvalidRequestContentException', text);
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { throw namedError('Lambda.InvalidRuntimeException', 'function returned non-JSON: ' + text.slice(0, 200)); }
  if (res.headers.get('x-amz-function-error')) {
    throw namedError(body?.errorType || 'Lambda.Unknown', JSON.stringify(body));
  }
  return body;
}

function replaceDeep(v, from, to) {
  if (v === from) return to;
  if (Array.isArray(v)) return v.map((x) => replaceDeep(x, from, to));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceDeep(x, from, to)]));
  return v;
}

function taskHandler(exec, stateName, state) {
  return async (input) => {
    const timeoutSeconds = input[TIMEOUT_PARAM] ?? state.TimeoutSeconds;
    const params = { ...input };
    delete params[TIMEOUT_PARAM];
    const endpoint = machines.get(exec.stateMachineArn).lambdaEndpoint;
    if (state.Resource === 'arn:aws:states:::lambda:invoke') {
      const out = await invokeLambda(endpoint, params.FunctionName, params.Payload);
      return { ExecutedVersion: '$LATEST', Payload: out, StatusCode: 200 };
    }
    // .waitForTaskToken: a fresh token for this attempt, the function is
    // invoked with it, and the task ends only on SendTaskSuccess/Failure.
    const token = randomBytes(32).toString('base64url');
    const payload = replaceDeep(params.Payload, exec.tokenPlaceholder, token);
    const { promise, resolve, reject } = Promise.withResolvers();
    const entry = { resolve, reject, state: 'waiting', execution: exec.arn, stateName };
    promise.catch(() => {}); // a timeout may reject it while the function is still being invoked
    tasks.set(token, entry);
    // The interpreter times the task out but does not cancel this handler:
    // the token must die at the same moment so a late SendTaskSuccess is refused.
    const timer = setTimeout(() => { if (entry.state === 'waiting') { entry.state = 'timed-out'; reject(namedError('States.Timeout', 'task timed out')); } }, timeoutSeconds * 1000);
    try {
      await invokeLambda(endpoint, params.FunctionName, payload);
    } catch (err) {
      entry.state = 'done';
      clearTimeout(timer);
      throw err;
    }
    try {
      return await promise;
    } finally {
      clearTimeout(timer);
    }
  };
}

// ---- history -------------------------------------------------------------------

function recordEvent(exec, ev) {
  const base = { id: exec.history.length + 1, previousEventId: exec.history.length, timestamp: ev.timestamp / 1000 };
  const s = ev.state;
  const json = (v) => JSON.stringify(v ?? null);
  switch (ev.type) {
    case 'ExecutionStarted': exec.history.push({ ...base, type: 'ExecutionStarted', executionStartedEventDetails: { input: json(ev.input) } }); break;
    case 'ExecutionSucceeded': exec.history.push({ ...base, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: json(ev.output) } }); break;
    case 'ExecutionFailed': exec.history.push({ ...base, type: 'ExecutionFailed', executionFailedEventDetails: { error: ev.Error, cause: String(ev.Cause ?? '') } }); break;
    case 'ExecutionAborted': exec.history.push({ ...base, type: 'ExecutionAborted', executionAbortedEventDetails: {} }); break;
    case 'ExecutionTimeout': exec.history.push({ ...base, type: 'ExecutionTimedOut', executionTimedOutEventDetails: {} }); break;
    case 'StateEntered': exec.history.push({ ...base, type: `${s.type}StateEntered`, stateEnteredEventDetails: { name: s.name, input: json(s.input) } }); break;
    case 'StateExited': exec.history.push({ ...base, type: `${s.type}StateExited`, stateExitedEventDetails: { name: s.name, output: json(s.output) } }); break;
    case 'StateFailed': exec.history.push({ ...base, type: s.type === 'Task' ? 'TaskFailed' : `${s.type}StateFailed`, taskFailedEventDetails: { resourceType: 'lambda', resource: s.name, error: ev.Error, cause: String(ev.Cause ?? '') } }); break;
    case 'StateRetried': exec.history.push({ ...base, type: 'TaskStateRetried', stateEnteredEventDetails: { name: s.name, input: json({ attempt: ev.retry?.attempt }) } }); break;
    case 'StateCaught': exec.history.push({ ...base, type: 'TaskStateCaught', stateEnteredEventDetails: { name: s.name, input: json({ errorEquals: ev.catch?.catcher?.ErrorEquals, next: ev.catch?.catcher?.Next }) } }); break;
    default: exec.history.push({ ...base, type: ev.type });
  }
}

// ---- actions -------------------------------------------------------------------

function epoch(d) { return d ? d.getTime() / 1000 : undefined; }

const actions = {
  CreateStateMachine(req) {
    if (!req.name || typeof req.definition !== 'string') throw new ApiError('ValidationException', 'name and definition are required');
    const arn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${req.name}`;
    const endpoint = (req.tags || []).find((t) => t.key === ENDPOINT_TAG)?.value || DEFAULT_LAMBDA;
    const existing = machines.get(arn);
    if (existing) {
      if (existing.source !== req.definition || existing.lambdaEndpoint !== endpoint) {
        throw new ApiError('StateMachineAlreadyExists', `State machine already exists with another definition: ${arn}`);
      }
      return { stateMachineArn: arn, creationDate: epoch(existing.created) };
    }
    let definition;
    try { definition = JSON.parse(req.definition); } catch (e) { throw new ApiError('InvalidDefinition', 'definition is not JSON: ' + e.message); }
    checkSupported(definition);
    let machine;
    try { machine = new StateMachine(prepare(definition)); } catch (e) { throw new ApiError('InvalidDefinition', e.message); }
    const m = { name: req.name, arn, definition, source: req.definition, machine, lambdaEndpoint: endpoint, created: new Date() };
    machines.set(arn, m);
    console.log(`state machine ${arn} (tasks invoke ${endpoint})`);
    return { stateMachineArn: arn, creationDate: epoch(m.created) };
  },

  DescribeStateMachine(req) {
    const m = machines.get(req.stateMachineArn);
    if (!m) throw new ApiError('StateMachineDoesNotExist', `State machine does not exist: ${req.stateMachineArn}`);
    return { stateMachineArn: m.arn, name: m.name, status: 'ACTIVE', definition: m.source, roleArn: `arn:aws:iam::${ACCOUNT}:role/local`, type: 'STANDARD', creationDate: epoch(m.created) };
  },

  StartExecution(req) {
    const m = machines.get(req.stateMachineArn);
    if (!m) throw new ApiError('StateMachineDoesNotExist', `State machine does not exist: ${req.stateMachineArn}`);
    const name = req.name || randomBytes(16).toString('hex');
    const arn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${m.name}:${name}`;
    const inputText = req.input ?? '{}';
    const existing = executions.get(arn);
    if (existing) {
      // As in AWS: the same name and input is idempotent while the execution is open.
      if (existing.inputText === inputText && existing.status === 'RUNNING') return { executionArn: arn, startDate: epoch(existing.startDate) };
      throw new ApiError('ExecutionAlreadyExists', `Execution already exists: ${arn}`);
    }
    let input;
    try { input = JSON.parse(inputText); } catch (e) { throw new ApiError('InvalidExecutionInput', e.message); }
    const exec = { arn, name, stateMachineArn: m.arn, inputText, status: 'RUNNING', startDate: new Date(), history: [], tokenPlaceholder: 'local-task-token:' + randomBytes(16).toString('hex') };
    executions.set(arn, exec);
    const overrides = { taskResourceLocalHandlers: {} };
    for (const [stateName, state] of Object.entries(m.definition.States)) {
      if (state.Type === 'Task') overrides.taskResourceLocalHandlers[stateName] = taskHandler(exec, stateName, state);
    }
    const context = {
      Execution: { Id: arn, Name: name, Input: input, StartTime: exec.startDate.toISOString(), RoleArn: `arn:aws:iam::${ACCOUNT}:role/local` },
      StateMachine: { Id: m.arn, Name: m.name },
      Task: { Token: exec.tokenPlaceholder },
    };
    const run = m.machine.run(input, { overrides, context });
    exec.abort = run.abort;
    (async () => { for await (const ev of run.eventLogs) recordEvent(exec, ev); })().catch((e) => console.error('event log', arn, e));
    run.result.then((out) => {
      exec.status = 'SUCCEEDED'; exec.output = JSON.stringify(out); exec.stopDate = new Date();
      console.log(`execution ${name} SUCCEEDED`);
    }, (err) => {
      exec.status = err?.name === 'ExecutionAbortedError' ? 'ABORTED' : err?.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
      exec.error = err?.cause?.name || err?.name; exec.cause = err?.cause?.message || err?.message; exec.stopDate = new Date();
      console.log(`execution ${name} ${exec.status}: ${exec.error}: ${exec.cause}`);
    });
    return { executionArn: arn, startDate: epoch(exec.startDate) };
  },

  DescribeExecution(req) {
    const e = executions.get(req.executionArn);
    if (!e) throw new ApiError('ExecutionDoesNotExist', `Execution does not exist: ${req.executionArn}`);
    return { executionArn: e.arn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: epoch(e.startDate), stopDate: epoch(e.stopDate), input: e.inputText, output: e.output, error: e.error, cause: e.cause };
  },

  GetExecutionHistory(req) {
    const e = executions.get(req.executionArn);
    if (!e) throw new ApiError('ExecutionDoesNotExist', `Execution does not exist: ${req.executionArn}`);
    const events = req.reverseOrder ? [...e.history].reverse() : e.history;
    const start = Number(req.nextToken || 0);
    const max = req.maxResults || 1000;
    const page = events.slice(start, start + max);
    return { events: page, nextToken: start + max < events.length ? String(start + max) : undefined };
  },

  ListExecutions(req) {
    const list = [...executions.values()].filter((e) => e.stateMachineArn === req.stateMachineArn && (!req.statusFilter || e.status === req.statusFilter));
    return { executions: list.map((e) => ({ executionArn: e.arn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: epoch(e.startDate), stopDate: epoch(e.stopDate) })) };
  },

  StopExecution(req) {
    const e = executions.get(req.executionArn);
    if (!e) throw new ApiError('ExecutionDoesNotExist', `Execution does not exist: ${req.executionArn}`);
    if (e.status === 'RUNNING') e.abort();
    return { stopDate: epoch(new Date()) };
  },

  SendTaskSuccess(req) {
    const t = openTask(req.taskToken);
    let output;
    try { output = JSON.parse(req.output); } catch (e) { throw new ApiError('InvalidOutput', 'output is not JSON: ' + e.message); }
    t.state = 'done';
    t.resolve(output);
    return {};
  },

  SendTaskFailure(req) {
    const t = openTask(req.taskToken);
    t.state = 'done';
    t.reject(namedError(req.error || 'States.TaskFailed', req.cause || ''));
    return {};
  },

  SendTaskHeartbeat(req) {
    openTask(req.taskToken);
    return {};
  },
};

function openTask(token) {
  const t = tasks.get(token);
  if (!t) throw new ApiError('InvalidToken', 'Invalid token');
  if (t.state !== 'waiting') throw new ApiError('TaskTimedOut', `Task Timed Out: '${t.stateName}' (${t.state})`);
  return t;
}

// ---- server --------------------------------------------------------------------

const server = http.createServer(async (req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', machines: machines.size, executions: executions.size }));
    return;
  }
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const target = String(req.headers['x-amz-target'] || '');
  const action = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
  const send = (status, body, type) => {
    const headers = { 'Content-Type': 'application/x-amz-json-1.0' };
    if (type) headers['X-Amzn-ErrorType'] = type;
    res.writeHead(status, headers);
    res.end(JSON.stringify(body));
  };
  try {
    const fn = actions[action];
    if (!fn) throw new ApiError('UnknownOperationException', `The local Step Functions emulator does not implement ${target || '(no X-Amz-Target)'}`);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') : {};
    send(200, fn(body) ?? {});
  } catch (err) {
    if (err instanceof ApiError) {
      console.log(`${action}: ${err.type}: ${err.message}`);
      send(err.status, { __type: err.type, message: err.message }, err.type);
    } else {
      console.error(action, err);
      send(500, { __type: 'InternalFailure', message: String(err?.message || err) }, 'InternalFailure');
    }
  }
});
server.listen(PORT, '127.0.0.1', () => console.log(`local Step Functions on http://127.0.0.1:${PORT}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); process.exit(0); });
