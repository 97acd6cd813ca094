/// The OpenAPI 3.1 description of the JSON API, served at /openapi.yaml. A test checks real responses
/// against the schemas here.
enum OpenAPIDocument {
    static let yaml = """
    openapi: 3.1.0
    info:
      title: FaceGender API
      version: 1.0.0
      description: >-
        Finds faces in a photo and estimates apparent, binary gender presentation for each, with a
        calibrated probability and an "uncertain" flag when the model should not guess.
    paths:
      /api/v1/predict:
        post:
          summary: Analyse one photo
          operationId: predict
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [image]
                  properties:
                    image:
                      type: string
                      contentMediaType: application/octet-stream
                      description: JPEG, PNG or WebP photo
              image/jpeg:
                schema: {type: string, contentMediaType: image/jpeg}
              image/png:
                schema: {type: string, contentMediaType: image/png}
              image/webp:
                schema: {type: string, contentMediaType: image/webp}
          responses:
            '200':
              description: Faces found and classified
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/PredictResponse'}
            '400': {$ref: '#/components/responses/Problem'}
            '413': {$ref: '#/components/responses/Problem'}
            '415': {$ref: '#/components/responses/Problem'}
            '422': {$ref: '#/components/responses/Problem'}
            '503':
              description: Inference queue full; retry later
              headers:
                Retry-After:
                  schema: {type: integer}
              content:
                application/problem+json:
                  schema: {$ref: '#/components/schemas/Problem'}
      /healthz:
        get:
          summary: Liveness
          responses:
            '200':
              description: The process is up
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Health'}
      /readyz:
        get:
          summary: Readiness (model loaded, not shedding load)
          responses:
            '200':
              description: Ready to serve predictions
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Health'}
            '503':
              description: Refusing requests for overload in the last second (status shedding)
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Health'}
      /metrics:
        get:
          summary: Prometheus metrics
          responses:
            '200':
              description: Prometheus text exposition format
              content:
                text/plain:
                  schema: {type: string}
    components:
      responses:
        Problem:
          description: The request could not be served; the body says why
          content:
            application/problem+json:
              schema: {$ref: '#/components/schemas/Problem'}
      schemas:
        Box:
          type: object
          required: [x, y, width, height]
          additionalProperties: false
          properties:
            x: {type: integer}
            y: {type: integer}
            width: {type: integer, minimum: 0}
            height: {type: integer, minimum: 0}
        Face:
          type: object
          required: [box, label, probability, probabilities, uncertain, detection_score]
          additionalProperties: false
          properties:
            box: {$ref: '#/components/schemas/Box'}
            label: {type: string, description: Most probable class}
            probability: {type: number, minimum: 0, maximum: 1, description: Calibrated probability of label}
            probabilities:
              type: object
              additionalProperties: {type: number, minimum: 0, maximum: 1}
            uncertain: {type: boolean, description: True when the model should not guess}
            detection_score: {type: number, minimum: 0, maximum: 1}
            landmarks: {$ref: '#/components/schemas/Landmarks'}
        Point:
          type: object
          required: [x, y]
          additionalProperties: false
          properties:
            x: {type: number}
            y: {type: number}
        Landmarks:
          type: object
          description: Five points in image pixels, present when the face detector finds them; left and right as seen in the image
          required: [left_eye, right_eye, nose, mouth_left, mouth_right]
          additionalProperties: false
          properties:
            left_eye: {$ref: '#/components/schemas/Point'}
            right_eye: {$ref: '#/components/schemas/Point'}
            nose: {$ref: '#/components/schemas/Point'}
            mouth_left: {$ref: '#/components/schemas/Point'}
            mouth_right: {$ref: '#/components/schemas/Point'}
        PredictResponse:
          type: object
          required: [image, faces, model, timing]
          additionalProperties: false
          properties:
            image:
              type: object
              required: [width, height]
              additionalProperties: false
              properties:
                width: {type: integer, minimum: 1}
                height: {type: integer, minimum: 1}
            faces:
              type: array
              minItems: 1
              items: {$ref: '#/components/schemas/Face'}
            model:
              type: object
              required: [name, version]
              additionalProperties: false
              properties:
                name: {type: string}
                version: {type: string}
            timing:
              type: object
              required: [decode_ms, inference_ms, total_ms]
              additionalProperties: false
              properties:
                decode_ms: {type: number, minimum: 0}
                inference_ms: {type: number, minimum: 0}
                total_ms: {type: number, minimum: 0}
        Problem:
          type: object
          required: [type, title, status, detail]
          additionalProperties: false
          properties:
            type: {type: string}
            title: {type: string}
            status: {type: integer}
            detail: {type: string}
            retry_after: {type: integer}
        Health:
          type: object
          required: [status]
          additionalProperties: false
          properties:
            status: {type: string, enum: [ok, ready, shedding]}
            model: {type: string}
    """
}
