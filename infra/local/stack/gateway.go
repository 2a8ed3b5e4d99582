// Package stack serves, on loopback, what API Gateway, the Lambda Invoke API
// and EventBridge do in AWS, in front of the same function handlers that
// Lambda runs.
package stack

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/gatehouse-dev/gatehouse/internal/ident"
	"github.com/gatehouse-dev/gatehouse/internal/route"
)

// payloadLimit is API Gateway's request payload limit (10 MB).
const payloadLimit = 10 << 20

// Gateway turns HTTP requests into API Gateway HTTP API (payload 2.0) events
// for the function that owns the route, and the function's answer back.
func Gateway(functions map[string]lambda.Handler, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range route.Table {
		fn := functions[rt.Function]
		mux.HandleFunc(rt.MuxPattern(), func(w http.ResponseWriter, r *http.Request) {
			ev, err := toEvent(r, rt)
			if err != nil {
				writeGatewayError(w, http.StatusRequestEntityTooLarge, "body_too_large", "The request body is larger than API Gateway accepts.")
				return
			}
			payload, _ := json.Marshal(ev)
			out, err := fn.Invoke(invokeContext(r.Context()), payload)
			if err != nil {
				log.Error("function failed", "function", rt.Function, "route", rt.Name, "error", err.Error())
				writeGatewayError(w, http.StatusInternalServerError, "internal", "Internal Server Error")
				return
			}
			var res events.APIGatewayV2HTTPResponse
			if err := json.Unmarshal(out, &res); err != nil {
				writeGatewayError(w, http.StatusBadGateway, "bad_gateway", "The function returned a malformed response.")
				return
			}
			writeResponse(w, res)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeGatewayError(w, http.StatusNotFound, "not_found", "There is no such route.")
	})
	return mux
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\}`)

func toEvent(r *http.Request, rt route.Route) (events.APIGatewayV2HTTPRequest, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, payloadLimit+1))
	if err != nil || len(body) > payloadLimit {
		return events.APIGatewayV2HTTPRequest{}, fmt.Errorf("body too large")
	}
	headers := map[string]string{}
	for k, v := range r.Header {
		if strings.EqualFold(k, "Cookie") {
			continue
		}
		headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	var cookies []string
	for _, c := range r.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	query := map[string]string{}
	for k, v := range r.URL.Query() {
		query[k] = strings.Join(v, ",")
	}
	params := map[string]string{}
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		params[m[1]] = r.PathValue(m[1])
	}
	ip, _, _ := net.SplitHostPort(r.RemoteAddr)
	now := time.Now()
	return events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: rt.Pattern(), RawPath: r.URL.EscapedPath(), RawQueryString: r.URL.RawQuery,
		Cookies: cookies, Headers: headers, QueryStringParameters: query, PathParameters: params,
		Body: base64.StdEncoding.EncodeToString(body), IsBase64Encoded: true,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: rt.Pattern(), AccountID: "000000000000", Stage: "$default", RequestID: ident.New(),
			DomainName: r.Host, APIID: "local", Time: now.Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, SourceIP: ip, UserAgent: r.UserAgent(),
			},
		},
	}, nil
}

func writeResponse(w http.ResponseWriter, res events.APIGatewayV2HTTPResponse) {
	for k, v := range res.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range res.MultiValueHeaders {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	for _, c := range res.Cookies {
		w.Header().Add("Set-Cookie", c)
	}
	body := []byte(res.Body)
	if res.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(res.Body); err == nil {
			body = b
		}
	}
	status := res.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeGatewayError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", ident.New())
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// invokeContext gives a local invocation what Lambda gives a real one.
func invokeContext(ctx context.Context) context.Context {
	return lambdacontext.NewContext(context.WithoutCancel(ctx), &lambdacontext.LambdaContext{AwsRequestID: ident.New()})
}

// InvokeAPI answers the Lambda Invoke API, as `sam local start-lambda` does:
// POST /2015-03-31/functions/{name}/invocations.
func InvokeAPI(functions map[string]lambda.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2015-03-31/functions/{name}/invocations", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		fn, ok := functions[name]
		if !ok {
			w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(map[string]string{"Type": "User", "Message": "Function not found: " + name})
			return
		}
		payload, _ := io.ReadAll(io.LimitReader(r.Body, 6<<20))
		if len(bytes.TrimSpace(payload)) == 0 {
			payload = []byte("{}")
		}
		out, err := fn.Invoke(invokeContext(r.Context()), payload)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amz-Executed-Version", "$LATEST")
		if err != nil {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			_ = json.NewEncoder(w).Encode(map[string]string{"errorMessage": err.Error(), "errorType": errorType(err)})
			return
		}
		_, _ = w.Write(out)
	})
	return mux
}

// errorType is Lambda's errorType: the Go type name of the error.
func errorType(err error) string {
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}
