# One image for the Python components (workers, intake, sandbox, the deploy step).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml ./
COPY engine ./engine
COPY workers ./workers
COPY intake ./intake
COPY sandbox ./sandbox
COPY workflows ./workflows
COPY forms ./forms
COPY catalog ./catalog
RUN pip install --no-cache-dir .
USER nobody
CMD ["python", "-m", "workers"]
