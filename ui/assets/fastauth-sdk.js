// src/client/core/bodySerializer.gen.ts
var jsonBodySerializer = {
  bodySerializer: (body) => JSON.stringify(body, (_key, value) => typeof value === "bigint" ? value.toString() : value)
};

// src/client/core/serverSentEvents.gen.ts
var createSseClient = ({
  onRequest,
  onSseError,
  onSseEvent,
  responseTransformer,
  responseValidator,
  sseDefaultRetryDelay,
  sseMaxRetryAttempts,
  sseMaxRetryDelay,
  sseSleepFn,
  url,
  ...options
}) => {
  let lastEventId;
  const sleep = sseSleepFn ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const createStream = async function* () {
    let retryDelay = sseDefaultRetryDelay ?? 3e3;
    let attempt = 0;
    const signal = options.signal ?? new AbortController().signal;
    while (true) {
      if (signal.aborted) break;
      attempt++;
      const headers = options.headers instanceof Headers ? options.headers : new Headers(options.headers);
      if (lastEventId !== void 0) {
        headers.set("Last-Event-ID", lastEventId);
      }
      try {
        const requestInit = {
          redirect: "follow",
          ...options,
          body: options.serializedBody,
          headers,
          signal
        };
        let request = new Request(url, requestInit);
        if (onRequest) {
          request = await onRequest(url, requestInit);
        }
        const _fetch = options.fetch ?? globalThis.fetch;
        const response = await _fetch(request);
        if (!response.ok) throw new Error(`SSE failed: ${response.status} ${response.statusText}`);
        if (!response.body) throw new Error("No body in SSE response");
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        const abortHandler = () => {
          try {
            reader.cancel();
          } catch {
          }
        };
        signal.addEventListener("abort", abortHandler);
        try {
          while (true) {
            const { done, value } = await reader.read();
            if (done) break;
            buffer += value;
            buffer = buffer.replace(/\r\n/g, "\n").replace(/\r/g, "\n");
            const chunks = buffer.split("\n\n");
            buffer = chunks.pop() ?? "";
            for (const chunk of chunks) {
              const lines = chunk.split("\n");
              const dataLines = [];
              let eventName;
              for (const line of lines) {
                if (line.startsWith("data:")) {
                  dataLines.push(line.replace(/^data:\s*/, ""));
                } else if (line.startsWith("event:")) {
                  eventName = line.replace(/^event:\s*/, "");
                } else if (line.startsWith("id:")) {
                  lastEventId = line.replace(/^id:\s*/, "");
                } else if (line.startsWith("retry:")) {
                  const parsed = Number.parseInt(line.replace(/^retry:\s*/, ""), 10);
                  if (!Number.isNaN(parsed)) {
                    retryDelay = parsed;
                  }
                }
              }
              let data;
              let parsedJson = false;
              if (dataLines.length) {
                const rawData = dataLines.join("\n");
                try {
                  data = JSON.parse(rawData);
                  parsedJson = true;
                } catch {
                  data = rawData;
                }
              }
              if (parsedJson) {
                if (responseValidator) {
                  await responseValidator(data);
                }
                if (responseTransformer) {
                  data = await responseTransformer(data);
                }
              }
              onSseEvent?.({
                data,
                event: eventName,
                id: lastEventId,
                retry: retryDelay
              });
              if (dataLines.length) {
                yield data;
              }
            }
          }
        } finally {
          signal.removeEventListener("abort", abortHandler);
          reader.releaseLock();
        }
        break;
      } catch (error) {
        onSseError?.(error);
        if (sseMaxRetryAttempts !== void 0 && attempt >= sseMaxRetryAttempts) {
          break;
        }
        const backoff = Math.min(retryDelay * 2 ** (attempt - 1), sseMaxRetryDelay ?? 3e4);
        await sleep(backoff);
      }
    }
  };
  const stream = createStream();
  return { stream };
};

// src/client/core/pathSerializer.gen.ts
var separatorArrayExplode = (style) => {
  switch (style) {
    case "label":
      return ".";
    case "matrix":
      return ";";
    case "simple":
      return ",";
    default:
      return "&";
  }
};
var separatorArrayNoExplode = (style) => {
  switch (style) {
    case "form":
      return ",";
    case "pipeDelimited":
      return "|";
    case "spaceDelimited":
      return "%20";
    default:
      return ",";
  }
};
var separatorObjectExplode = (style) => {
  switch (style) {
    case "label":
      return ".";
    case "matrix":
      return ";";
    case "simple":
      return ",";
    default:
      return "&";
  }
};
var serializeArrayParam = ({
  allowReserved,
  explode,
  name,
  style,
  value
}) => {
  if (!explode) {
    const joinedValues2 = (allowReserved ? value : value.map((v) => encodeURIComponent(v))).join(separatorArrayNoExplode(style));
    switch (style) {
      case "label":
        return `.${joinedValues2}`;
      case "matrix":
        return `;${name}=${joinedValues2}`;
      case "simple":
        return joinedValues2;
      default:
        return `${name}=${joinedValues2}`;
    }
  }
  const separator = separatorArrayExplode(style);
  const joinedValues = value.map((v) => {
    if (style === "label" || style === "simple") {
      return allowReserved ? v : encodeURIComponent(v);
    }
    return serializePrimitiveParam({
      allowReserved,
      name,
      value: v
    });
  }).join(separator);
  return style === "label" || style === "matrix" ? separator + joinedValues : joinedValues;
};
var serializePrimitiveParam = ({
  allowReserved,
  name,
  value
}) => {
  if (value === void 0 || value === null) {
    return "";
  }
  if (typeof value === "object") {
    throw new Error(
      "Deeply-nested arrays/objects aren\u2019t supported. Provide your own `querySerializer()` to handle these."
    );
  }
  return `${name}=${allowReserved ? value : encodeURIComponent(value)}`;
};
var serializeObjectParam = ({
  allowReserved,
  explode,
  name,
  style,
  value,
  valueOnly
}) => {
  if (value instanceof Date) {
    return valueOnly ? value.toISOString() : `${name}=${value.toISOString()}`;
  }
  if (style !== "deepObject" && !explode) {
    let values = [];
    Object.entries(value).forEach(([key, v]) => {
      values = [...values, key, allowReserved ? v : encodeURIComponent(v)];
    });
    const joinedValues2 = values.join(",");
    switch (style) {
      case "form":
        return `${name}=${joinedValues2}`;
      case "label":
        return `.${joinedValues2}`;
      case "matrix":
        return `;${name}=${joinedValues2}`;
      default:
        return joinedValues2;
    }
  }
  const separator = separatorObjectExplode(style);
  const joinedValues = Object.entries(value).map(
    ([key, v]) => serializePrimitiveParam({
      allowReserved,
      name: style === "deepObject" ? `${name}[${key}]` : key,
      value: v
    })
  ).join(separator);
  return style === "label" || style === "matrix" ? separator + joinedValues : joinedValues;
};

// src/client/core/utils.gen.ts
var PATH_PARAM_RE = /\{[^{}]+\}/g;
var defaultPathSerializer = ({ path, url: _url }) => {
  let url = _url;
  const matches = _url.match(PATH_PARAM_RE);
  if (matches) {
    for (const match of matches) {
      let explode = false;
      let name = match.substring(1, match.length - 1);
      let style = "simple";
      if (name.endsWith("*")) {
        explode = true;
        name = name.substring(0, name.length - 1);
      }
      if (name.startsWith(".")) {
        name = name.substring(1);
        style = "label";
      } else if (name.startsWith(";")) {
        name = name.substring(1);
        style = "matrix";
      }
      const value = path[name];
      if (value === void 0 || value === null) {
        continue;
      }
      if (Array.isArray(value)) {
        url = url.replace(match, serializeArrayParam({ explode, name, style, value }));
        continue;
      }
      if (typeof value === "object") {
        url = url.replace(
          match,
          serializeObjectParam({
            explode,
            name,
            style,
            value,
            valueOnly: true
          })
        );
        continue;
      }
      if (style === "matrix") {
        url = url.replace(
          match,
          `;${serializePrimitiveParam({
            name,
            value
          })}`
        );
        continue;
      }
      const replaceValue = encodeURIComponent(
        style === "label" ? `.${value}` : value
      );
      url = url.replace(match, replaceValue);
    }
  }
  return url;
};
var getUrl = ({
  baseUrl,
  path,
  query,
  querySerializer,
  url: _url
}) => {
  const pathUrl = _url.startsWith("/") ? _url : `/${_url}`;
  let url = (baseUrl ?? "") + pathUrl;
  if (path) {
    url = defaultPathSerializer({ path, url });
  }
  let search = query ? querySerializer(query) : "";
  if (search.startsWith("?")) {
    search = search.substring(1);
  }
  if (search) {
    url += `?${search}`;
  }
  return url;
};
function getValidRequestBody(options) {
  const hasBody = options.body !== void 0;
  const isSerializedBody = hasBody && options.bodySerializer;
  if (isSerializedBody) {
    if ("serializedBody" in options) {
      const hasSerializedBody = options.serializedBody !== void 0 && options.serializedBody !== "";
      return hasSerializedBody ? options.serializedBody : null;
    }
    return options.body !== "" ? options.body : null;
  }
  if (hasBody) {
    return options.body;
  }
  return void 0;
}

// src/client/core/auth.gen.ts
var getAuthToken = async (auth, callback) => {
  const token = typeof callback === "function" ? await callback(auth) : callback;
  if (!token) {
    return;
  }
  if (auth.scheme === "bearer") {
    return `Bearer ${token}`;
  }
  if (auth.scheme === "basic") {
    return `Basic ${btoa(token)}`;
  }
  return token;
};

// src/client/client/utils.gen.ts
var createQuerySerializer = ({
  parameters = {},
  ...args
} = {}) => {
  const querySerializer = (queryParams) => {
    const search = [];
    if (queryParams && typeof queryParams === "object") {
      for (const name in queryParams) {
        const value = queryParams[name];
        if (value === void 0 || value === null) {
          continue;
        }
        const options = parameters[name] || args;
        if (Array.isArray(value)) {
          const serializedArray = serializeArrayParam({
            allowReserved: options.allowReserved,
            explode: true,
            name,
            style: "form",
            value,
            ...options.array
          });
          if (serializedArray) search.push(serializedArray);
        } else if (typeof value === "object") {
          const serializedObject = serializeObjectParam({
            allowReserved: options.allowReserved,
            explode: true,
            name,
            style: "deepObject",
            value,
            ...options.object
          });
          if (serializedObject) search.push(serializedObject);
        } else {
          const serializedPrimitive = serializePrimitiveParam({
            allowReserved: options.allowReserved,
            name,
            value
          });
          if (serializedPrimitive) search.push(serializedPrimitive);
        }
      }
    }
    return search.join("&");
  };
  return querySerializer;
};
var getParseAs = (contentType) => {
  if (!contentType) {
    return "stream";
  }
  const cleanContent = contentType.split(";")[0]?.trim();
  if (!cleanContent) {
    return;
  }
  if (cleanContent.startsWith("application/json") || cleanContent.endsWith("+json")) {
    return "json";
  }
  if (cleanContent === "multipart/form-data") {
    return "formData";
  }
  if (["application/", "audio/", "image/", "video/"].some((type) => cleanContent.startsWith(type))) {
    return "blob";
  }
  if (cleanContent.startsWith("text/")) {
    return "text";
  }
  return;
};
var checkForExistence = (options, name) => {
  if (!name) {
    return false;
  }
  if (options.headers.has(name) || options.query?.[name] || options.headers.get("Cookie")?.includes(`${name}=`)) {
    return true;
  }
  return false;
};
var setAuthParams = async ({
  security,
  ...options
}) => {
  for (const auth of security) {
    if (checkForExistence(options, auth.name)) {
      continue;
    }
    const token = await getAuthToken(auth, options.auth);
    if (!token) {
      continue;
    }
    const name = auth.name ?? "Authorization";
    switch (auth.in) {
      case "query":
        if (!options.query) {
          options.query = {};
        }
        options.query[name] = token;
        break;
      case "cookie":
        options.headers.append("Cookie", `${name}=${token}`);
        break;
      case "header":
      default:
        options.headers.set(name, token);
        break;
    }
  }
};
var buildUrl = (options) => getUrl({
  baseUrl: options.baseUrl,
  path: options.path,
  query: options.query,
  querySerializer: typeof options.querySerializer === "function" ? options.querySerializer : createQuerySerializer(options.querySerializer),
  url: options.url
});
var mergeConfigs = (a, b) => {
  const config = { ...a, ...b };
  if (config.baseUrl?.endsWith("/")) {
    config.baseUrl = config.baseUrl.substring(0, config.baseUrl.length - 1);
  }
  config.headers = mergeHeaders(a.headers, b.headers);
  return config;
};
var headersEntries = (headers) => {
  const entries = [];
  headers.forEach((value, key) => {
    entries.push([key, value]);
  });
  return entries;
};
var mergeHeaders = (...headers) => {
  const mergedHeaders = new Headers();
  for (const header of headers) {
    if (!header) {
      continue;
    }
    const iterator = header instanceof Headers ? headersEntries(header) : Object.entries(header);
    for (const [key, value] of iterator) {
      if (value === null) {
        mergedHeaders.delete(key);
      } else if (Array.isArray(value)) {
        for (const v of value) {
          mergedHeaders.append(key, v);
        }
      } else if (value !== void 0) {
        mergedHeaders.set(
          key,
          typeof value === "object" ? JSON.stringify(value) : value
        );
      }
    }
  }
  return mergedHeaders;
};
var Interceptors = class {
  fns = [];
  clear() {
    this.fns = [];
  }
  eject(id) {
    const index = this.getInterceptorIndex(id);
    if (this.fns[index]) {
      this.fns[index] = null;
    }
  }
  exists(id) {
    const index = this.getInterceptorIndex(id);
    return Boolean(this.fns[index]);
  }
  getInterceptorIndex(id) {
    if (typeof id === "number") {
      return this.fns[id] ? id : -1;
    }
    return this.fns.indexOf(id);
  }
  update(id, fn) {
    const index = this.getInterceptorIndex(id);
    if (this.fns[index]) {
      this.fns[index] = fn;
      return id;
    }
    return false;
  }
  use(fn) {
    this.fns.push(fn);
    return this.fns.length - 1;
  }
};
var createInterceptors = () => ({
  error: new Interceptors(),
  request: new Interceptors(),
  response: new Interceptors()
});
var defaultQuerySerializer = createQuerySerializer({
  allowReserved: false,
  array: {
    explode: true,
    style: "form"
  },
  object: {
    explode: true,
    style: "deepObject"
  }
});
var defaultHeaders = {
  "Content-Type": "application/json"
};
var createConfig = (override = {}) => ({
  ...jsonBodySerializer,
  headers: defaultHeaders,
  parseAs: "auto",
  querySerializer: defaultQuerySerializer,
  ...override
});

// src/client/client/client.gen.ts
var createClient = (config = {}) => {
  let _config = mergeConfigs(createConfig(), config);
  const getConfig = () => ({ ..._config });
  const setConfig = (config2) => {
    _config = mergeConfigs(_config, config2);
    return getConfig();
  };
  const interceptors = createInterceptors();
  const beforeRequest = async (options) => {
    const opts = {
      ..._config,
      ...options,
      fetch: options.fetch ?? _config.fetch ?? globalThis.fetch,
      headers: mergeHeaders(_config.headers, options.headers),
      serializedBody: void 0
    };
    if (opts.security) {
      await setAuthParams({
        ...opts,
        security: opts.security
      });
    }
    if (opts.requestValidator) {
      await opts.requestValidator(opts);
    }
    if (opts.body !== void 0 && opts.bodySerializer) {
      opts.serializedBody = opts.bodySerializer(opts.body);
    }
    if (opts.body === void 0 || opts.serializedBody === "") {
      opts.headers.delete("Content-Type");
    }
    const resolvedOpts = opts;
    const url = buildUrl(resolvedOpts);
    return { opts: resolvedOpts, url };
  };
  const request = async (options) => {
    const { opts, url } = await beforeRequest(options);
    const requestInit = {
      redirect: "follow",
      ...opts,
      body: getValidRequestBody(opts)
    };
    let request2 = new Request(url, requestInit);
    for (const fn of interceptors.request.fns) {
      if (fn) {
        request2 = await fn(request2, opts);
      }
    }
    const _fetch = opts.fetch;
    let response;
    try {
      response = await _fetch(request2);
    } catch (error2) {
      let finalError2 = error2;
      for (const fn of interceptors.error.fns) {
        if (fn) {
          finalError2 = await fn(error2, void 0, request2, opts);
        }
      }
      finalError2 = finalError2 || {};
      if (opts.throwOnError) {
        throw finalError2;
      }
      return opts.responseStyle === "data" ? void 0 : {
        error: finalError2,
        request: request2,
        response: void 0
      };
    }
    for (const fn of interceptors.response.fns) {
      if (fn) {
        response = await fn(response, request2, opts);
      }
    }
    const result = {
      request: request2,
      response
    };
    if (response.ok) {
      const parseAs = (opts.parseAs === "auto" ? getParseAs(response.headers.get("Content-Type")) : opts.parseAs) ?? "json";
      if (response.status === 204 || response.headers.get("Content-Length") === "0") {
        let emptyData;
        switch (parseAs) {
          case "arrayBuffer":
          case "blob":
          case "text":
            emptyData = await response[parseAs]();
            break;
          case "formData":
            emptyData = new FormData();
            break;
          case "stream":
            emptyData = response.body;
            break;
          case "json":
          default:
            emptyData = {};
            break;
        }
        return opts.responseStyle === "data" ? emptyData : {
          data: emptyData,
          ...result
        };
      }
      let data;
      switch (parseAs) {
        case "arrayBuffer":
        case "blob":
        case "formData":
        case "text":
          data = await response[parseAs]();
          break;
        case "json": {
          const text = await response.text();
          data = text ? JSON.parse(text) : {};
          break;
        }
        case "stream":
          return opts.responseStyle === "data" ? response.body : {
            data: response.body,
            ...result
          };
      }
      if (parseAs === "json") {
        if (opts.responseValidator) {
          await opts.responseValidator(data);
        }
        if (opts.responseTransformer) {
          data = await opts.responseTransformer(data);
        }
      }
      return opts.responseStyle === "data" ? data : {
        data,
        ...result
      };
    }
    const textError = await response.text();
    let jsonError;
    try {
      jsonError = JSON.parse(textError);
    } catch {
    }
    const error = jsonError ?? textError;
    let finalError = error;
    for (const fn of interceptors.error.fns) {
      if (fn) {
        finalError = await fn(error, response, request2, opts);
      }
    }
    finalError = finalError || {};
    if (opts.throwOnError) {
      throw finalError;
    }
    return opts.responseStyle === "data" ? void 0 : {
      error: finalError,
      ...result
    };
  };
  const makeMethodFn = (method) => (options) => request({ ...options, method });
  const makeSseFn = (method) => async (options) => {
    const { opts, url } = await beforeRequest(options);
    return createSseClient({
      ...opts,
      body: opts.body,
      headers: opts.headers,
      method,
      onRequest: async (url2, init) => {
        let request2 = new Request(url2, init);
        for (const fn of interceptors.request.fns) {
          if (fn) {
            request2 = await fn(request2, opts);
          }
        }
        return request2;
      },
      serializedBody: getValidRequestBody(opts),
      url
    });
  };
  const _buildUrl = (options) => buildUrl({ ..._config, ...options });
  return {
    buildUrl: _buildUrl,
    connect: makeMethodFn("CONNECT"),
    delete: makeMethodFn("DELETE"),
    get: makeMethodFn("GET"),
    getConfig,
    head: makeMethodFn("HEAD"),
    interceptors,
    options: makeMethodFn("OPTIONS"),
    patch: makeMethodFn("PATCH"),
    post: makeMethodFn("POST"),
    put: makeMethodFn("PUT"),
    request,
    setConfig,
    sse: {
      connect: makeSseFn("CONNECT"),
      delete: makeSseFn("DELETE"),
      get: makeSseFn("GET"),
      head: makeSseFn("HEAD"),
      options: makeSseFn("OPTIONS"),
      patch: makeSseFn("PATCH"),
      post: makeSseFn("POST"),
      put: makeSseFn("PUT"),
      trace: makeSseFn("TRACE")
    },
    trace: makeMethodFn("TRACE")
  };
};

// src/client/client.gen.ts
var client = createClient(createConfig({ baseUrl: "/auth" }));

// src/client/sdk.gen.ts
var getApiKeys = (options) => (options?.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/api-keys",
  ...options
});
var postApiKeys = (options) => (options.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/api-keys",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var deleteApiKeysById = (options) => (options.client ?? client).delete({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/api-keys/{id}",
  ...options
});
var getEmailConfirm = (options) => (options.client ?? client).get({ url: "/email/confirm", ...options });
var postEmailConfirm = (options) => (options.client ?? client).post({
  url: "/email/confirm",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postEmailConfirmSend = (options) => (options.client ?? client).post({
  url: "/email/confirm/send",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var getIdentities = (options) => (options?.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/identities",
  ...options
});
var deleteIdentitiesById = (options) => (options.client ?? client).delete({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/identities/{id}",
  ...options
});
var getMe = (options) => (options?.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/me",
  ...options
});
var getMeSecurityLog = (options) => (options?.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/me/security-log",
  ...options
});
var getMfa = (options) => (options?.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/mfa",
  ...options
});
var postMfaPasskeyOptions = (options) => (options.client ?? client).post({
  url: "/mfa/passkey/options",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postMfaRecoveryCodes = (options) => (options.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/mfa/recovery-codes",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postMfaStepUp = (options) => (options.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/mfa/step-up",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postMfaTotpDisable = (options) => (options.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/mfa/totp/disable",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postMfaTotpEnable = (options) => (options.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/mfa/totp/enable",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postMfaTotpSetup = (options) => (options?.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/mfa/totp/setup",
  ...options
});
var postMfaVerify = (options) => (options.client ?? client).post({
  url: "/mfa/verify",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var getOrganizations = (options) => (options?.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations",
  ...options
});
var postOrganizations = (options) => (options.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postOrganizationsCurrent = (options) => (options.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/organizations/current",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postOrganizationsInvitesAccept = (options) => (options.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/organizations/invites/accept",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var deleteOrganizationsByOrganizationId = (options) => (options.client ?? client).delete({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations/{organization_id}",
  ...options
});
var getOrganizationsByOrganizationId = (options) => (options.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations/{organization_id}",
  ...options
});
var patchOrganizationsByOrganizationId = (options) => (options.client ?? client).patch({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations/{organization_id}",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var getOrganizationsByOrganizationIdAuditLog = (options) => (options.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations/{organization_id}/audit-log",
  ...options
});
var getOrganizationsByOrganizationIdInvites = (options) => (options.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations/{organization_id}/invites",
  ...options
});
var postOrganizationsByOrganizationIdInvites = (options) => (options.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations/{organization_id}/invites",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var deleteOrganizationsByOrganizationIdInvitesByInviteId = (options) => (options.client ?? client).delete({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations/{organization_id}/invites/{invite_id}",
  ...options
});
var getOrganizationsByOrganizationIdMembers = (options) => (options.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations/{organization_id}/members",
  ...options
});
var deleteOrganizationsByOrganizationIdMembersByMemberUserId = (options) => (options.client ?? client).delete({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations/{organization_id}/members/{member_user_id}",
  ...options
});
var patchOrganizationsByOrganizationIdMembersByMemberUserId = (options) => (options.client ?? client).patch({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/organizations/{organization_id}/members/{member_user_id}",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var getPasskeys = (options) => (options?.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/passkeys",
  ...options
});
var postPasskeysRegister = (options) => (options.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/passkeys/register",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postPasskeysRegisterOptions = (options) => (options?.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/passkeys/register/options",
  ...options
});
var postPasskeysSignIn = (options) => (options.client ?? client).post({
  url: "/passkeys/sign-in",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postPasskeysSignInOptions = (options) => (options?.client ?? client).post({ url: "/passkeys/sign-in/options", ...options });
var deletePasskeysById = (options) => (options.client ?? client).delete({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/passkeys/{id}",
  ...options
});
var patchPasskeysById = (options) => (options.client ?? client).patch({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/passkeys/{id}",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postPasswordChange = (options) => (options.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/password/change",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postPasswordForgot = (options) => (options.client ?? client).post({
  url: "/password/forgot",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postPasswordReset = (options) => (options.client ?? client).post({
  url: "/password/reset",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postRefresh = (options) => (options?.client ?? client).post({ url: "/refresh", ...options });
var getSession = (options) => (options?.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }, { name: "Authorization", type: "apiKey" }],
  url: "/session",
  ...options
});
var getSessions = (options) => (options?.client ?? client).get({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/sessions",
  ...options
});
var postSessionsRevokeOthers = (options) => (options?.client ?? client).post({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/sessions/revoke-others",
  ...options
});
var deleteSessionsBySessionId = (options) => (options.client ?? client).delete({
  security: [{
    in: "cookie",
    name: "access_token",
    type: "apiKey"
  }],
  url: "/sessions/{session_id}",
  ...options
});
var postSignIn = (options) => (options.client ?? client).post({
  url: "/sign-in",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});
var postSignOut = (options) => (options?.client ?? client).post({ url: "/sign-out", ...options });
var postSignUp = (options) => (options.client ?? client).post({
  url: "/sign-up",
  ...options,
  headers: {
    "Content-Type": "application/json",
    ...options.headers
  }
});

// src/session.ts
var FastauthError = class _FastauthError extends Error {
  /** HTTP status; 0 when the request got no answer. */
  status;
  /** The server's stable error code, e.g. `token_expired`. */
  code;
  /** Seconds from a Retry-After header (429, 503), when present. */
  retryAfter;
  /**
   * With `mfa_required` (403 of a sign-in): the token that finishes the
   * sign-in at POST /mfa/verify (5 minutes, single use).
   */
  mfaToken;
  /** With `mfa_required`: the account's second factors (`totp`, `recovery_code`, `passkey`). */
  methods;
  constructor(status, code, message, retryAfter, mfa) {
    super(message);
    this.name = "FastauthError";
    this.status = status;
    this.code = code;
    if (retryAfter !== void 0) this.retryAfter = retryAfter;
    if (mfa) {
      this.mfaToken = mfa.mfaToken;
      this.methods = mfa.methods;
    }
  }
  /** Builds the error of a non-2xx response whose body was already parsed. */
  static fromBody(response, body) {
    const b = body ?? {};
    const code = typeof b.code === "string" && b.code !== "" ? b.code : "http_error";
    const message = typeof b.message === "string" && b.message !== "" ? b.message : `HTTP ${response.status}${response.statusText ? " " + response.statusText : ""}`;
    const ra = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    const mfa = code === "mfa_required" && typeof b.mfa_token === "string" ? {
      mfaToken: b.mfa_token,
      methods: Array.isArray(b.methods) ? b.methods.filter((m) => typeof m === "string") : []
    } : void 0;
    return new _FastauthError(response.status, code, message, Number.isFinite(ra) ? ra : void 0, mfa);
  }
  /** Reads a response's error body (without consuming it) into an error. */
  static async fromResponse(response) {
    return _FastauthError.fromBody(response, await readJSON(response));
  }
};
var LOCK_NAME = "fastauth:refresh";
var REFRESHED_AT_KEY = "fastauth:refreshed-at";
var NO_REFRESH_PATHS = ["/refresh", "/sign-in", "/sign-up", "/sign-out", "/mfa/verify"];
var SessionFetch = class {
  base;
  transport;
  credentials;
  onSignedOut;
  crossTab;
  failedRefreshPause;
  // generation counts finished refreshes (whatever their outcome). A request
  // sent before the latest refresh finished is retried without refreshing
  // again: its 401 is about the cookies that refresh replaced.
  generation = 0;
  lastRefreshOK = false;
  inflight = null;
  refreshes = 0;
  listeners = /* @__PURE__ */ new Set();
  constructor(options) {
    const origin = typeof location !== "undefined" ? location.href : void 0;
    this.base = new URL(options.baseUrl.replace(/\/+$/, ""), origin);
    this.transport = options.fetch ?? ((r) => globalThis.fetch(r));
    this.credentials = options.credentials ?? "include";
    if (options.onSignedOut) this.onSignedOut = options.onSignedOut;
    this.crossTab = options.crossTab ?? true;
    this.failedRefreshPause = options.retryAfterFailedRefreshMs ?? 400;
  }
  /** Number of refresh requests this instance has sent. */
  get refreshCount() {
    return this.refreshes;
  }
  /**
   * The fetch function: same signature as the global one. Route the
   * application's own cookie-authenticated calls through it to get the same
   * refresh-and-retry as the SDK's helpers:
   * `await auth.session.fetch('/api/projects')`.
   */
  fetch = async (input, init) => {
    const request = input instanceof Request && init === void 0 ? input : new Request(input, init);
    if (!this.mayRefresh(request)) return this.transport(request);
    const retry = request.clone();
    const sentAt = Date.now();
    const generation = this.generation;
    const first = await this.transport(request);
    if (first.status !== 401) return first;
    const error = await FastauthError.fromResponse(first);
    if (error.code !== "token_expired") {
      this.signedOut(error);
      return first;
    }
    const refreshed = await this.refreshAfter(generation, sentAt);
    if (!refreshed && this.failedRefreshPause > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.failedRefreshPause));
    }
    const second = await this.transport(retry);
    if (second.status === 401) this.signedOut(await FastauthError.fromResponse(second));
    return second;
  };
  /**
   * Refreshes the session now, without waiting for a 401 (single flight:
   * concurrent calls, and requests recovering from token_expired, share one
   * request). Resolves to whether the server issued new tokens; never
   * rejects (a network failure resolves to false).
   */
  refresh() {
    return this.refreshAfter(this.generation, Date.now());
  }
  /**
   * Listens to the session layer's events (refreshed, signed out); returns
   * the function that stops listening.
   */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  // signedOut reports a 401 invalid_token or token_expired that ends a
  // cookie request; other 401s (invalid_credentials of a wrong current
  // password, ...) say nothing about the session.
  signedOut(error) {
    if (error.code !== "invalid_token" && error.code !== "token_expired") return;
    this.onSignedOut?.({ error });
    this.emit({ type: "signedOut", error });
  }
  emit(event) {
    for (const listener of [...this.listeners]) listener(event);
  }
  // mayRefresh reports whether a 401 of request may be recovered by a
  // refresh: cookie requests to anything but the session-establishing routes.
  mayRefresh(request) {
    if (/^bearer\s/i.test(request.headers.get("Authorization") ?? "")) return false;
    const url = new URL(request.url);
    if (url.origin !== this.base.origin) return false;
    const basePath = this.base.pathname.replace(/\/+$/, "");
    return !NO_REFRESH_PATHS.some((p) => url.pathname === basePath + p);
  }
  refreshAfter(generation, sentAt) {
    if (this.generation !== generation && !this.inflight) {
      return Promise.resolve(this.lastRefreshOK);
    }
    if (!this.inflight) {
      this.inflight = this.refreshAcrossTabs(sentAt).catch(() => false).then((ok) => {
        this.lastRefreshOK = ok;
        this.generation++;
        this.inflight = null;
        return ok;
      });
    }
    return this.inflight;
  }
  refreshAcrossTabs(sentAt) {
    const locks = this.crossTab ? webLocks() : void 0;
    if (!locks) return this.sendRefresh();
    return locks.request(LOCK_NAME, async () => {
      if (sharedRefreshedAt() >= sentAt) return true;
      const ok = await this.sendRefresh();
      if (ok) setSharedRefreshedAt(Date.now());
      return ok;
    });
  }
  async sendRefresh() {
    this.refreshes++;
    const url = this.base.href + "/refresh";
    const response = await this.transport(
      new Request(url, { method: "POST", credentials: this.credentials, headers: { Accept: "application/json" } })
    );
    const text = await response.text().catch(() => "");
    if (response.ok) {
      const body = parseJSON(text);
      if (isAuthResponse(body)) this.emit({ type: "refreshed", session: body });
    }
    return response.ok;
  }
};
function isAuthResponse(body) {
  const b = body;
  return typeof b === "object" && b !== null && typeof b.user === "object" && b.user !== null && typeof b.organization === "object";
}
async function readJSON(response) {
  return parseJSON(await response.clone().text().catch(() => ""));
}
function parseJSON(text) {
  try {
    return text ? JSON.parse(text) : void 0;
  } catch {
    return void 0;
  }
}
function webLocks() {
  const nav = globalThis.navigator;
  return nav?.locks && typeof nav.locks.request === "function" ? nav.locks : void 0;
}
function sharedRefreshedAt() {
  try {
    return Number(globalThis.localStorage?.getItem(REFRESHED_AT_KEY) ?? 0) || 0;
  } catch {
    return 0;
  }
}
function setSharedRefreshedAt(t) {
  try {
    globalThis.localStorage?.setItem(REFRESHED_AT_KEY, String(t));
  } catch {
  }
}

// src/webauthn.ts
function toBase64url(data) {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function fromBase64url(s) {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - b64.length % 4) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}
function pkc() {
  const ctor = globalThis.PublicKeyCredential;
  if (!ctor || typeof navigator === "undefined" || !navigator.credentials) {
    throw new FastauthError(0, "passkeys_unsupported", "this browser does not support passkeys (WebAuthn)");
  }
  return ctor;
}
async function conditionalMediationAvailable() {
  const ctor = globalThis.PublicKeyCredential;
  try {
    return await ctor?.isConditionalMediationAvailable?.() === true;
  } catch {
    return false;
  }
}
function publicKeyOf(options) {
  const pk = options.publicKey;
  if (!pk || typeof pk !== "object") throw new FastauthError(0, "invalid_response", "the server sent no publicKey options");
  return pk;
}
function withIds(list) {
  return Array.isArray(list) ? list.map((d) => ({ ...d, id: fromBase64url(d.id) })) : list;
}
function creationOptions(options) {
  const json = publicKeyOf(options);
  const ctor = pkc();
  if (ctor.parseCreationOptionsFromJSON) return ctor.parseCreationOptionsFromJSON(json);
  const user = json.user;
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...user, id: fromBase64url(user.id) },
    excludeCredentials: withIds(json.excludeCredentials)
  };
}
function requestOptions(options) {
  const json = publicKeyOf(options);
  const ctor = pkc();
  if (ctor.parseRequestOptionsFromJSON) return ctor.parseRequestOptionsFromJSON(json);
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    allowCredentials: withIds(json.allowCredentials)
  };
}
function credentialJSON(credential) {
  if (!credential) throw new FastauthError(0, "passkey_cancelled", "no passkey was chosen");
  const cred = credential;
  if (typeof cred.toJSON === "function") return cred.toJSON();
  const r = cred.response;
  const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
  if ("attestationObject" in r && r.attestationObject) {
    response.attestationObject = toBase64url(r.attestationObject);
    response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
  } else {
    response.authenticatorData = toBase64url(r.authenticatorData);
    response.signature = toBase64url(r.signature);
    if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
  }
  return {
    id: cred.id,
    rawId: toBase64url(cred.rawId),
    type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment ?? void 0,
    response,
    clientExtensionResults: cred.getClientExtensionResults()
  };
}
function ceremonyError(err) {
  if (err instanceof FastauthError) return err;
  const name = err instanceof Error ? err.name : "";
  const message = err instanceof Error ? err.message : String(err);
  if (name === "NotAllowedError" || name === "AbortError") {
    return new FastauthError(0, "passkey_cancelled", message || "the passkey ceremony was cancelled");
  }
  if (name === "InvalidStateError") {
    return new FastauthError(0, "passkey_exists", message || "this authenticator already holds a passkey of the account");
  }
  return new FastauthError(0, "passkey_failed", message || "the passkey ceremony failed");
}

// src/store.ts
var LOADING = { status: "loading", session: null, error: null };
var SIGNED_OUT = { status: "signedOut", session: null, error: null };
function createSessionStore(auth) {
  let snapshot = LOADING;
  let version = 0;
  let inflight = null;
  const listeners = /* @__PURE__ */ new Set();
  const set = (next) => {
    version++;
    if (sameSnapshot(snapshot, next)) return;
    snapshot = next;
    for (const listener of [...listeners]) listener();
  };
  const load = () => {
    if (inflight?.version === version) return inflight.promise;
    if (inflight) return inflight.promise.then(load);
    const started = version;
    const promise = auth.getSession().then(
      (session) => session ? { status: "signedIn", session, error: null } : SIGNED_OUT,
      (err) => {
        const error = err instanceof FastauthError ? err : new FastauthError(0, "network_error", err instanceof Error ? err.message : String(err));
        return error.status === 401 ? SIGNED_OUT : { status: "error", session: null, error };
      }
    ).then((next) => {
      inflight = null;
      if (version === started) set(next);
      return snapshot;
    });
    inflight = { version: started, promise };
    return promise;
  };
  const unsubscribe = auth.subscribe((change) => {
    switch (change.type) {
      case "signedIn":
        set({ status: "signedIn", session: change.session, error: null });
        break;
      case "signedOut":
        set(SIGNED_OUT);
        break;
      case "changed":
        version++;
        void load();
        break;
    }
  });
  return {
    getSnapshot: () => snapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    load,
    close: unsubscribe
  };
}
function sameSnapshot(a, b) {
  if (a.status !== b.status || a.error !== b.error) return false;
  if (a.session === null || b.session === null) return a.session === b.session;
  return JSON.stringify(a.session) === JSON.stringify(b.session);
}

// src/index.ts
function logQuery(q) {
  const out = {};
  if (q.limit !== void 0) out.limit = q.limit;
  if (q.before !== void 0) out.before = q.before;
  if (q.type !== void 0) out.type = q.type;
  return out;
}
async function unwrap(call) {
  let result;
  try {
    result = await call;
  } catch (err) {
    throw new FastauthError(0, "network_error", err instanceof Error ? err.message : String(err));
  }
  const { response } = result;
  if (!response) {
    const err = result.error;
    throw new FastauthError(0, "network_error", err instanceof Error ? err.message : "request failed");
  }
  if (!response.ok) throw FastauthError.fromBody(response, result.error);
  return result.data;
}
function createFastauth(options) {
  const sessionOptions = { baseUrl: options.baseUrl };
  if (options.fetch) sessionOptions.fetch = options.fetch;
  if (options.credentials) sessionOptions.credentials = options.credentials;
  if (options.onSignedOut) sessionOptions.onSignedOut = options.onSignedOut;
  if (options.crossTab !== void 0) sessionOptions.crossTab = options.crossTab;
  if (options.retryAfterFailedRefreshMs !== void 0) {
    sessionOptions.retryAfterFailedRefreshMs = options.retryAfterFailedRefreshMs;
  }
  const session = new SessionFetch(sessionOptions);
  const client2 = createClient(
    createConfig({
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
      fetch: session.fetch,
      credentials: options.credentials ?? "include",
      ...options.apiKey ? { headers: { Authorization: `Bearer ${options.apiKey}` } } : {}
    })
  );
  const c = { client: client2 };
  const listeners = /* @__PURE__ */ new Set();
  const emit = (change) => {
    for (const listener of [...listeners]) listener(change);
  };
  session.subscribe(
    (event) => emit(event.type === "refreshed" ? { type: "signedIn", session: event.session } : { type: "signedOut", error: event.error })
  );
  const tell = async (call, change) => {
    const result = await call;
    emit(change(result));
    return result;
  };
  const signedIn = (session2) => ({ type: "signedIn", session: session2 });
  const changed = () => ({ type: "changed" });
  const providerStartUrl = (name, redirectTo, link = false) => {
    const q = new URLSearchParams();
    if (redirectTo !== void 0) q.set("redirect_to", redirectTo);
    if (link) q.set("link", "true");
    const query = q.toString();
    return `${options.baseUrl.replace(/\/+$/, "")}/oauth/${encodeURIComponent(name)}/start${query ? `?${query}` : ""}`;
  };
  const getPasskey = async (options2, extra = {}) => {
    const publicKey = requestOptions(options2.options);
    try {
      return credentialJSON(await navigator.credentials.get({ ...extra, publicKey }));
    } catch (err) {
      throw ceremonyError(err);
    }
  };
  const verifyWithPasskey = async (mfaToken) => {
    const options2 = await unwrap(postMfaPasskeyOptions({ ...c, body: { mfa_token: mfaToken } }));
    const credential = await getPasskey(options2);
    return tell(
      unwrap(postMfaVerify({ ...c, body: { mfa_token: mfaToken, ceremony_id: options2.ceremony_id, credential } })),
      signedIn
    );
  };
  return {
    /** The generated client, for calls the helpers do not cover. */
    client: client2,
    /**
     * The session layer: `session.fetch` (the application's own calls with
     * refresh-and-retry), `session.refresh()`, `session.refreshCount`.
     */
    session,
    /**
     * Listens to what the helpers learn about who is signed in (the session
     * store builds on it); returns the function that stops listening.
     */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    // ---- account
    /** POST /sign-up: creates an account and its personal workspace. */
    signUp: (email, password) => tell(unwrap(postSignUp({ ...c, body: { email, password } })), changed),
    /** POST /sign-in: new session, cookies set. */
    signIn: (email, password) => tell(unwrap(postSignIn({ ...c, body: { email, password } })), signedIn),
    /**
     * POST /sign-in, ready for a second factor: resolves to
     * `{type: 'signedIn'}`, or to `{type: 'mfaRequired', methods, verify}`
     * when the account has one (the 403 mfa_required, no cookie set yet);
     * `await result.verify(code)` then signs in at aal 2. Other errors
     * reject as with signIn.
     */
    signInWithSecondFactor: async (email, password) => {
      try {
        const session2 = await unwrap(postSignIn({ ...c, body: { email, password } }));
        emit(signedIn(session2));
        return { type: "signedIn", session: session2 };
      } catch (err) {
        if (!(err instanceof FastauthError) || err.code !== "mfa_required" || !err.mfaToken) throw err;
        const mfaToken = err.mfaToken;
        return {
          type: "mfaRequired",
          mfaToken,
          methods: err.methods ?? [],
          verify: (code) => tell(unwrap(postMfaVerify({ ...c, body: { mfa_token: mfaToken, code } })), signedIn),
          verifyWithPasskey: () => verifyWithPasskey(mfaToken)
        };
      }
    },
    /**
     * Signs in with a passkey (POST /passkeys/sign-in/options, the
     * browser's prompt, POST /passkeys/sign-in): a session at aal 2, no
     * password. With `{conditional: true}` the browser offers the passkeys
     * in the autofill of a `autocomplete="username webauthn"` field where it
     * can. A dismissed prompt rejects with code `passkey_cancelled`.
     */
    signInWithPasskey: async (opts = {}) => {
      const options2 = await unwrap(postPasskeysSignInOptions({ ...c }));
      const extra = {};
      if (opts.signal) extra.signal = opts.signal;
      if (opts.conditional && await conditionalMediationAvailable()) extra.mediation = "conditional";
      const credential = await getPasskey(options2, extra);
      return tell(unwrap(postPasskeysSignIn({ ...c, body: { ceremony_id: options2.ceremony_id, credential } })), signedIn);
    },
    /**
     * Registers a passkey for the signed-in account (POST
     * /passkeys/register/options, the browser's prompt, POST
     * /passkeys/register) under name ("Passkey" when omitted). An account
     * that has a second factor needs an aal 2 session (403
     * mfa_step_up_required otherwise).
     */
    registerPasskey: async (name) => {
      const options2 = await unwrap(postPasskeysRegisterOptions({ ...c }));
      const publicKey = creationOptions(options2.options);
      let credential;
      try {
        credential = credentialJSON(await navigator.credentials.create({ publicKey }));
      } catch (err) {
        throw ceremonyError(err);
      }
      return unwrap(
        postPasskeysRegister({
          ...c,
          body: { ceremony_id: options2.ceremony_id, credential, ...name === void 0 ? {} : { name } }
        })
      );
    },
    /**
     * Finishes a sign-in that answered mfa_required with a passkey of the
     * account (POST /mfa/passkey/options, the browser's prompt, POST
     * /mfa/verify): a session at aal 2 with amr [password, passkey].
     */
    verifyWithPasskey,
    /** POST /refresh: rotates the refresh token (callers rarely need it: the session layer does it). */
    refresh: () => tell(unwrap(postRefresh({ ...c })), signedIn),
    /** POST /sign-out: revokes this session and clears the cookies. */
    signOut: () => tell(unwrap(postSignOut({ ...c })), () => ({ type: "signedOut" })),
    /** GET /me: the user and their active organization. */
    me: () => tell(unwrap(getMe({ ...c })), signedIn),
    /**
     * GET /session: the signed-in user and organization, or `null` for an
     * anonymous visitor (never a 401 for one). One request on a page load;
     * an expired access token is refreshed first. It is the session store's
     * question, so it tells subscribers nothing itself: use store.load() to
     * update a store.
     */
    getSession: () => unwrap(getSession({ ...c })).then(
      ({ user, organization, auth_role, session: session2 }) => user && organization && auth_role !== void 0 ? { user, organization, auth_role, ...session2 ? { session: session2 } : {} } : null
    ),
    // ---- sign-in with a provider (the social module)
    /**
     * The URL of GET /oauth/{name}/start: navigate the browser there (a
     * link's href, or signInWithProvider). `redirectTo` is where the
     * callback returns (a relative path, or a URL on a trusted origin;
     * default `/`); with `link` the signed-in user links the provider
     * account instead of signing in.
     */
    providerStartUrl,
    /**
     * Sends the browser to the provider `name` (a navigation: the page
     * unloads). It comes back to `redirectTo` signed in, or with what
     * readProviderReturn reads.
     */
    signInWithProvider: (name, redirectTo) => {
      globalThis.location.assign(providerStartUrl(name, redirectTo));
    },
    /** Like signInWithProvider, for the signed-in user: links the provider account. */
    linkProvider: (name, redirectTo) => {
      globalThis.location.assign(providerStartUrl(name, redirectTo, true));
    },
    /**
     * Reads (and, for the current page, removes from the address bar) what
     * a provider sign-in came back with: `?auth_error=` or
     * `#mfa_token=..&methods=..` (see ProviderReturn).
     */
    readProviderReturn: (href) => {
      const current = href === void 0;
      const url = new URL(href ?? globalThis.location.href);
      const fragment = new URLSearchParams(url.hash.replace(/^#/, ""));
      const code = url.searchParams.get("auth_error");
      const mfaToken = fragment.get("mfa_token");
      if (current && (code !== null || mfaToken !== null)) {
        url.searchParams.delete("auth_error");
        if (mfaToken !== null) url.hash = "";
        globalThis.history?.replaceState(globalThis.history.state, "", url.toString());
      }
      if (code !== null) return { type: "error", code };
      if (mfaToken === null) return { type: "none" };
      return {
        type: "mfaRequired",
        mfaToken,
        methods: (fragment.get("methods") ?? "").split(",").filter(Boolean),
        verify: (c2) => tell(unwrap(postMfaVerify({ ...c, body: { mfa_token: mfaToken, code: c2 } })), signedIn)
      };
    },
    /** GET /identities: the provider accounts linked to my account, oldest first. */
    listIdentities: () => unwrap(getIdentities({ ...c })),
    /**
     * DELETE /identities/{id}: unlinks one; 409 last_sign_in_method when it
     * is the last way into an account without password.
     */
    unlinkIdentity: (id) => tell(unwrap(deleteIdentitiesById({ ...c, path: { id } })), changed),
    password: {
      /** POST /password/change: revokes my other sessions. */
      change: (currentPassword, newPassword) => unwrap(
        postPasswordChange({ ...c, body: { current_password: currentPassword, new_password: newPassword } })
      ),
      /** POST /password/forgot: mails a reset link; always succeeds. */
      forgot: (email) => unwrap(postPasswordForgot({ ...c, body: { email } })),
      /**
       * POST /password/reset: sets a new password with the mailed token;
       * revokes all sessions and (unless the server keeps them) the
       * account's API keys, counted in `api_keys_revoked`.
       */
      reset: (token, password) => tell(unwrap(postPasswordReset({ ...c, body: { token, password } })), changed)
    },
    email: {
      /** POST /email/confirm/send: (re)sends the confirmation mail; always succeeds. */
      sendConfirmation: (email) => unwrap(postEmailConfirmSend({ ...c, body: { email } })),
      /** POST /email/confirm: confirms the address with the mailed token. */
      confirm: (token) => tell(unwrap(postEmailConfirm({ ...c, body: { token } })), changed),
      /** GET /email/confirm?token=: the link of the mail. */
      confirmLink: (token) => tell(unwrap(getEmailConfirm({ ...c, query: { token } })), changed)
    },
    /**
     * GET /organizations/{organization_id}/audit-log: a page of the
     * organization's events, newest first (admin or owner; the audit
     * module must be mounted). Pass `next_before` as `before` for the next
     * page; it is null on the last one.
     */
    getAuditLog: (organizationId, query = {}) => unwrap(
      getOrganizationsByOrganizationIdAuditLog({
        ...c,
        path: { organization_id: organizationId },
        query: logQuery(query)
      })
    ),
    /**
     * GET /me/security-log: a page of my account's events, newest first,
     * failed sign-ins included.
     */
    getSecurityLog: (query = {}) => unwrap(getMeSecurityLog({ ...c, query: logQuery(query) })),
    mfa: {
      /** GET /mfa: `{totp_enabled, recovery_codes_remaining, passkeys}`. */
      getMfaStatus: () => unwrap(getMfa({ ...c })),
      /**
       * POST /mfa/totp/setup: a new pending secret, its otpauth URL and a
       * QR code (a data: URL for an <img>). 409 mfa_already_enabled when
       * TOTP is on.
       */
      setupTotp: () => unwrap(postMfaTotpSetup({ ...c })),
      /**
       * POST /mfa/totp/enable: a code of the pending secret turns TOTP on;
       * the ten recovery codes are returned this once. The session is
       * raised to aal 2.
       */
      enableTotp: (code) => tell(unwrap(postMfaTotpEnable({ ...c, body: { code } })), changed),
      /** POST /mfa/totp/disable: a TOTP or recovery code turns TOTP off. */
      disableTotp: (code) => unwrap(postMfaTotpDisable({ ...c, body: { code } })),
      /** POST /mfa/recovery-codes: a TOTP code replaces the recovery codes (shown once). */
      regenerateRecoveryCodes: (code) => unwrap(postMfaRecoveryCodes({ ...c, body: { code } })),
      /**
       * POST /mfa/step-up: a TOTP or recovery code raises this session to
       * aal 2 (routes behind RequireAAL(2) answer 403 mfa_step_up_required
       * until then).
       */
      stepUp: (code) => tell(unwrap(postMfaStepUp({ ...c, body: { code } })), signedIn),
      /**
       * POST /mfa/verify: finishes a sign-in that answered mfa_required
       * (signInWithSecondFactor wraps it).
       */
      verify: (mfaToken, code) => tell(unwrap(postMfaVerify({ ...c, body: { mfa_token: mfaToken, code } })), signedIn)
    },
    passkeys: {
      /** GET /passkeys: my passkeys, oldest first. */
      list: () => unwrap(getPasskeys({ ...c })),
      /** PATCH /passkeys/{id}: renames one (1 to 64 characters). */
      rename: (id, name) => unwrap(patchPasskeysById({ ...c, path: { id }, body: { name } })),
      /**
       * DELETE /passkeys/{id}: needs an aal 2 session when the account has
       * a second factor (403 mfa_step_up_required otherwise).
       */
      delete: (id) => unwrap(deletePasskeysById({ ...c, path: { id } }))
    },
    sessions: {
      /** GET /sessions: my active sessions, `current` marked. */
      list: () => unwrap(getSessions({ ...c })),
      /** DELETE /sessions/{session_id}: revoking the current session signs this client out. */
      revoke: (sessionId) => tell(
        unwrap(deleteSessionsBySessionId({ ...c, path: { session_id: sessionId } })),
        (s) => s.current ? { type: "signedOut" } : changed()
      ),
      /** POST /sessions/revoke-others: signs out every other device. */
      revokeOthers: () => unwrap(postSessionsRevokeOthers({ ...c }))
    },
    apiKeys: {
      /** POST /api-keys: the plaintext `key` is returned only here. */
      create: (name, expiresAt) => unwrap(
        postApiKeys({
          ...c,
          body: {
            name,
            ...expiresAt === void 0 ? {} : { expires_at: expiresAt instanceof Date ? expiresAt.toISOString() : expiresAt }
          }
        })
      ),
      /** GET /api-keys: a page of key metadata of the active organization. */
      list: (query = {}) => {
        const q = {};
        if (query.limit !== void 0) q.limit = query.limit;
        if (query.offset !== void 0) q.offset = query.offset;
        if (query.sortBy !== void 0) q.sort_by = query.sortBy;
        if (query.sortOrder !== void 0) q.sort_order = query.sortOrder;
        return unwrap(getApiKeys({ ...c, query: q }));
      },
      /** DELETE /api-keys/{id}. */
      delete: (id) => unwrap(deleteApiKeysById({ ...c, path: { id } }))
    },
    organizations: {
      /** GET /organizations: my memberships. */
      list: () => unwrap(getOrganizations({ ...c })),
      /** POST /organizations: a shared organization; I am its owner. */
      create: (name) => unwrap(postOrganizations({ ...c, body: { name } })),
      /** GET /organizations/{organization_id}. */
      get: (organizationId) => unwrap(getOrganizationsByOrganizationId({ ...c, path: { organization_id: organizationId } })),
      /** PATCH /organizations/{organization_id}: admin or owner. */
      rename: (organizationId, name) => unwrap(
        patchOrganizationsByOrganizationId({ ...c, path: { organization_id: organizationId }, body: { name } })
      ),
      /** DELETE /organizations/{organization_id}: owner; not the personal workspace. */
      delete: (organizationId) => tell(unwrap(deleteOrganizationsByOrganizationId({ ...c, path: { organization_id: organizationId } })), changed),
      /** POST /organizations/current: switches the active organization. */
      switch: (organizationId) => tell(unwrap(postOrganizationsCurrent({ ...c, body: { organization_id: organizationId } })), signedIn),
      members: {
        /** GET /organizations/{organization_id}/members: admin or owner. */
        list: (organizationId) => unwrap(getOrganizationsByOrganizationIdMembers({ ...c, path: { organization_id: organizationId } })),
        /** PATCH /organizations/{organization_id}/members/{member_user_id}: owner. */
        changeRole: (organizationId, userId, role) => unwrap(
          patchOrganizationsByOrganizationIdMembersByMemberUserId({
            ...c,
            path: { organization_id: organizationId, member_user_id: userId },
            body: { role }
          })
        ),
        /** DELETE /organizations/{organization_id}/members/{member_user_id}. */
        remove: (organizationId, userId) => tell(
          unwrap(
            deleteOrganizationsByOrganizationIdMembersByMemberUserId({
              ...c,
              path: { organization_id: organizationId, member_user_id: userId }
            })
          ),
          changed
        )
      },
      invites: {
        /** GET /organizations/{organization_id}/invites: admin or owner. */
        list: (organizationId) => unwrap(getOrganizationsByOrganizationIdInvites({ ...c, path: { organization_id: organizationId } })),
        /** POST /organizations/{organization_id}/invites: the `token` is returned once and mailed. */
        create: (organizationId, email, role = "member") => unwrap(
          postOrganizationsByOrganizationIdInvites({
            ...c,
            path: { organization_id: organizationId },
            body: { email, role }
          })
        ),
        /** DELETE /organizations/{organization_id}/invites/{invite_id}. */
        revoke: (organizationId, inviteId) => unwrap(
          deleteOrganizationsByOrganizationIdInvitesByInviteId({
            ...c,
            path: { organization_id: organizationId, invite_id: inviteId }
          })
        ),
        /** POST /organizations/invites/accept: joins and switches to the organization. */
        accept: (token) => tell(unwrap(postOrganizationsInvitesAccept({ ...c, body: { token } })), signedIn)
      }
    }
  };
}
export {
  FastauthError,
  SessionFetch,
  conditionalMediationAvailable,
  createFastauth,
  createSessionStore,
  fromBase64url,
  toBase64url
};
