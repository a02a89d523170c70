# One image for the Python components (workers, intake, sandbox, the setup step).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml local_stack.py ./
COPY engine ./engine
COPY engine_client ./engine_client
COPY domain ./domain
COPY observability ./observability
COPY workers ./workers
COPY intake ./intake
COPY sandbox ./sandbox
COPY reports ./reports
COPY workflows ./workflows
COPY forms ./forms
COPY catalog ./catalog
RUN pip install --no-cache-dir .
USER nobody
CMD ["python", "-m", "workers"]
